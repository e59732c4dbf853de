package dev.lockplane.internal.planner;

import dev.lockplane.ErrorCode;
import dev.lockplane.LockplaneException;
import dev.lockplane.clone.Script;
import dev.lockplane.internal.planner.pg.PgIntrospector;
import dev.lockplane.internal.planner.pg.PgScratch;
import dev.lockplane.internal.planner.sqlite.SqliteIntrospector;
import dev.lockplane.internal.sql.ScriptRunner;
import dev.lockplane.plan.Step;
import dev.lockplane.postgres.LocalPostgres;
import dev.lockplane.schema.Column;
import dev.lockplane.schema.DatabaseSchema;
import dev.lockplane.schema.Dialect;
import dev.lockplane.schema.Table;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns a desired state into a normalized model. SQL is never parsed: it runs in an empty scratch
 * database — an in-memory SQLite database, or for PostgreSQL a clone of an empty golden on the
 * scratch server, owned by a role made for the load — which is then introspected.
 *
 * <p>The PostgreSQL scratch server is the configured embedded server, else the configured JDBC
 * server, else an embedded server of the target's major version started for the load.
 */
public final class DesiredLoader {
  private final LocalPostgres server;
  private final String url;
  private final String user;
  private final String password;

  /**
   * @param server an embedded scratch server, or {@code null}
   * @param url the JDBC URL of a scratch server, or {@code null}
   * @param user its administrator (CREATEDB and CREATEROLE)
   * @param password the administrator's password
   */
  public DesiredLoader(LocalPostgres server, String url, String user, String password) {
    this.server = server;
    this.url = url;
    this.user = user;
    this.password = password;
  }

  /**
   * Runs desired SQL scripts in a scratch database and reads the schema they make.
   *
   * @param scripts the scripts, in run order
   * @param dialect the target's dialect
   * @param postgresMajorVersion the target's PostgreSQL major version (for a server started here)
   * @return the model, with rename hints attached
   * @throws dev.lockplane.ScriptException when a statement fails, naming file and line
   * @throws LockplaneException ({@link ErrorCode#INVALID_INPUT}) for a statement that would act
   *     outside the scratch database
   */
  public DatabaseSchema load(List<Script> scripts, Dialect dialect, int postgresMajorVersion) {
    RenameHints hints = new RenameHints();
    if (dialect == Dialect.SQLITE) {
      try (Connection c = DriverManager.getConnection("jdbc:sqlite::memory:")) {
        run(c, scripts, new DesiredStatements(hints, dialect, null));
        return hints.apply(SqliteIntrospector.introspect(c));
      } catch (SQLException e) {
        throw new LockplaneException(ErrorCode.DATABASE_ERROR, "Cannot use a scratch SQLite database: " + e.getMessage(), e);
      }
    }
    if (server != null) {
      return loadOn(server, scripts, hints);
    }
    if (url != null) {
      try (PgScratch scratch = PgScratch.on(url, user, password)) {
        return loadInto(scratch, scripts, hints);
      }
    }
    try (LocalPostgres pg = LocalPostgres.builder().version(postgresMajorVersion).start();
        PgScratch scratch = PgScratch.onThrowaway(pg)) {
      return loadInto(scratch, scripts, hints);
    }
  }

  private static DatabaseSchema loadOn(LocalPostgres pg, List<Script> scripts, RenameHints hints) {
    try (PgScratch scratch = PgScratch.on(pg)) {
      return loadInto(scratch, scripts, hints);
    }
  }

  private static DatabaseSchema loadInto(PgScratch scratch, List<Script> scripts, RenameHints hints) {
    Connection c = scratch.connection();
    run(c, scripts, new DesiredStatements(hints, Dialect.POSTGRESQL, scratch));
    return hints.apply(PgIntrospector.introspect(c));
  }

  private static void run(Connection c, List<Script> scripts, ScriptRunner.Hook hook) {
    for (Script s : scripts) {
      ScriptRunner.run(c, s, hook);
    }
  }

  /**
   * Normalizes a model built elsewhere (JSON, code): renders it as SQL, loads that, and keeps the
   * model's rename hints, which are not SQL.
   *
   * @param model the model
   * @param dialect the target's dialect
   * @param postgresMajorVersion the target's PostgreSQL major version
   * @return the normalized model
   */
  public DatabaseSchema normalize(DatabaseSchema model, Dialect dialect, int postgresMajorVersion) {
    String sql = createSql(new DatabaseSchema(dialect, model.schemas(), model.extensions(), model.enums(),
        model.domains(), model.compositeTypes(), model.sequences(), model.tables(), model.views(), model.routines()));
    DatabaseSchema normalized = load(List.of(Script.of("(generated from the JSON model)", sql)), dialect,
        postgresMajorVersion);
    Map<String, Table> hinted = new HashMap<>();
    model.tables().forEach(t -> hinted.put(t.qualifiedName(), t));
    List<Table> tables = normalized.tables().stream().map(t -> {
      Table h = hinted.get(t.qualifiedName());
      if (h == null) {
        return t;
      }
      List<Column> cols = t.columns().stream().map(c -> h.columns().stream().filter(x -> x.name().equals(c.name()))
          .findFirst().map(x -> c.withRenamedFrom(x.renamedFrom())).orElse(c)).toList();
      return t.with(cols, h.renamedFrom());
    }).toList();
    Map<String, dev.lockplane.schema.CompositeType> hintedTypes = new HashMap<>();
    model.compositeTypes().forEach(t -> hintedTypes.put(t.schema() + "." + t.name(), t));
    var types = normalized.compositeTypes().stream().map(t -> {
      var h = hintedTypes.get(t.schema() + "." + t.name());
      return h == null ? t : new dev.lockplane.schema.CompositeType(t.schema(), t.name(), t.attributes().stream()
          .map(a -> h.attributes().stream().filter(x -> x.name().equals(a.name())).findFirst()
              .map(x -> a.withRenamedFrom(x.renamedFrom())).orElse(a)).toList(), t.comment());
    }).toList();
    return new DatabaseSchema(normalized.dialect(), normalized.schemas(), normalized.extensions(), normalized.enums(),
        normalized.domains(), types, normalized.sequences(), tables, normalized.views(),
        normalized.routines(), normalized.unmanaged(), normalized.dependencies());
  }

  /**
   * Renders a model as the SQL that creates it in an empty database.
   *
   * @param schema the model
   * @return the statements, each ending with a semicolon
   */
  public static String createSql(DatabaseSchema schema) {
    StringBuilder b = new StringBuilder();
    DatabaseSchema empty = DatabaseSchema.empty(schema.dialect());
    DatabaseSchema base = schema.dialect() == Dialect.POSTGRESQL && schema.schemas().contains("public")
        ? new DatabaseSchema(Dialect.POSTGRESQL, List.of("public"), null, null, null, null, null, null, null, null)
        : empty;
    for (Step s : PlanBuilder.steps(base, PlanBuilder.withoutHints(schema))) {
      for (String sql : s.sql()) {
        b.append(sql).append(";\n");
      }
    }
    return b.toString();
  }
}
