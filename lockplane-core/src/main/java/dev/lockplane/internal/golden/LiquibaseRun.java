package dev.lockplane.internal.golden;

import dev.lockplane.ErrorCode;
import dev.lockplane.LockplaneException;
import dev.lockplane.clone.Golden;
import dev.lockplane.clone.GoldenTarget;
import dev.lockplane.internal.sql.JdbcUrls;
import java.io.FileNotFoundException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import liquibase.ChecksumVersion;
import liquibase.Scope;
import liquibase.changelog.ChangeLogParameters;
import liquibase.changelog.ChangeSet;
import liquibase.changelog.DatabaseChangeLog;
import liquibase.changelog.visitor.AbstractChangeExecListener;
import liquibase.command.CommandScope;
import liquibase.command.core.UpdateCommandStep;
import liquibase.command.core.helpers.ChangeExecListenerCommandStep;
import liquibase.command.core.helpers.DatabaseChangelogCommandStep;
import liquibase.command.core.helpers.DbUrlConnectionArgumentsCommandStep;
import liquibase.database.Database;
import liquibase.database.DatabaseFactory;
import liquibase.database.jvm.JdbcConnection;
import liquibase.exception.ChangeLogParseException;
import liquibase.exception.LiquibaseException;
import liquibase.parser.ChangeLogParserFactory;
import liquibase.resource.ClassLoaderResourceAccessor;
import liquibase.resource.CompositeResourceAccessor;
import liquibase.resource.DirectoryResourceAccessor;
import liquibase.resource.ResourceAccessor;
import liquibase.ui.LoggerUIService;
import org.postgresql.ds.PGSimpleDataSource;

/** The part of {@link LiquibaseLoader} that names Liquibase's types; loaded only once Liquibase is known to be there. */
final class LiquibaseRun {
  private LiquibaseRun() {}

  /** A changelog found: the path Liquibase knows it by, and where Liquibase reads it and what it includes. */
  private record Located(String path, ResourceAccessor accessor) {}

  static Instant update(Golden.FromLiquibase golden, GoldenTarget target) {
    Located changelog = locate(golden);
    AtomicReference<ChangeSet> failed = new AtomicReference<>();
    PGSimpleDataSource ds = new PGSimpleDataSource();
    ds.setURL(target.jdbcUrl());
    ds.setUser(target.user());
    target.password().ifPresent(ds::setPassword);
    try (Connection c = ds.getConnection()) {
      Database db = DatabaseFactory.getInstance().findCorrectDatabaseImplementation(new JdbcConnection(c));
      ChangeLogParameters parameters = new ChangeLogParameters(db);
      golden.parameters().forEach(parameters::set);
      inScope(changelog, () -> new CommandScope("update")
          .addArgumentValue(DbUrlConnectionArgumentsCommandStep.DATABASE_ARG, db)
          .addArgumentValue(UpdateCommandStep.CHANGELOG_FILE_ARG, changelog.path())
          .addArgumentValue(UpdateCommandStep.CONTEXTS_ARG, golden.contexts())
          .addArgumentValue(DatabaseChangelogCommandStep.CHANGELOG_PARAMETERS, parameters)
          .addArgumentValue(ChangeExecListenerCommandStep.CHANGE_EXEC_LISTENER_ARG, new AbstractChangeExecListener() {
            @Override
            public void runFailed(ChangeSet changeSet, DatabaseChangeLog log, Database database, Exception e) {
              failed.set(changeSet);
            }
          })
          .setOutput(OutputStream.nullOutputStream())
          .execute());
      target.progress("Liquibase updated the golden from " + golden.changelog());
      return Instant.now();
    } catch (SQLException e) {
      throw new LockplaneException(ErrorCode.DATABASE_ERROR,
          "Liquibase cannot connect to the golden being built: " + scrub(e.getMessage(), target), e);
    } catch (Exception e) {
      ChangeSet cs = failed.get();
      if (cs == null && find(e, ChangeLogParseException.class) != null) {
        throw unparsable(golden, find(e, ChangeLogParseException.class));
      }
      if (cs == null) {
        throw new LockplaneException(ErrorCode.INVALID_CONFIGURATION,
            "Liquibase cannot prepare the golden from " + golden.describe() + ": " + scrub(rootMessage(e), target), e);
      }
      throw new LockplaneException(ErrorCode.SCRIPT_FAILED,
          "Liquibase change set '" + cs.getId() + "' by '" + cs.getAuthor() + "' in " + cs.getFilePath()
              + " failed while preparing the golden from " + golden.describe() + ": " + scrub(rootMessage(e), target)
              + "\nFix the change set; nothing of this golden was kept.", e);
    }
  }

  static String checksums(Golden.FromLiquibase golden) {
    Located changelog = locate(golden);
    try {
      return inScope(changelog, () -> {
        ChangeLogParameters parameters = new ChangeLogParameters();
        golden.parameters().forEach(parameters::set);
        DatabaseChangeLog log = ChangeLogParserFactory.getInstance().getParser(changelog.path(), changelog.accessor())
            .parse(changelog.path(), parameters, changelog.accessor());
        StringBuilder sb = new StringBuilder();
        for (ChangeSet cs : log.getChangeSets()) {
          sb.append(cs.getFilePath()).append("::").append(cs.getId()).append("::").append(cs.getAuthor()).append(' ')
              .append(cs.generateCheckSum(ChecksumVersion.latest())).append('\n');
        }
        return sb.toString();
      });
    } catch (Exception e) {
      ChangeLogParseException parse = find(e, ChangeLogParseException.class);
      if (parse != null) {
        throw unparsable(golden, parse);
      }
      throw new LockplaneException(ErrorCode.INVALID_INPUT,
          "Liquibase cannot read changelog " + golden.changelog() + ": " + rootMessage(e), e);
    }
  }

  private static LockplaneException unparsable(Golden.FromLiquibase golden, ChangeLogParseException e) {
    return new LockplaneException(ErrorCode.INVALID_INPUT,
        "Liquibase cannot parse changelog " + golden.changelog() + ": " + rootMessage(e)
            + "\nFix the changelog (YAML, XML, JSON or formatted SQL).", e);
  }

  /** Finds the changelog: {@code classpath:} or {@code file:} as asked, else the class path first and then a file. */
  private static Located locate(Golden.FromLiquibase golden) {
    String ref = golden.changelog();
    ClassLoader cl = Thread.currentThread().getContextClassLoader();
    if (cl == null) {
      cl = LiquibaseRun.class.getClassLoader();
    }
    boolean fileOnly = ref.startsWith("file:");
    boolean classpathOnly = ref.startsWith("classpath:");
    String path = fileOnly ? ref.substring(5) : classpathOnly ? ref.substring(10) : ref;
    String resource = path.startsWith("/") ? path.substring(1) : path;
    if (!fileOnly && cl.getResource(resource) != null) {
      return new Located(resource, new ClassLoaderResourceAccessor(cl));
    }
    Path file = Path.of(path).toAbsolutePath().normalize();
    if (!classpathOnly && Files.isRegularFile(file)) {
      try {
        // included files resolve beside the changelog, and on the class path
        return new Located(file.getFileName().toString(),
            new CompositeResourceAccessor(new DirectoryResourceAccessor(file.getParent()), new ClassLoaderResourceAccessor(cl)));
      } catch (FileNotFoundException e) {
        // raced with a delete: reported below
      }
    }
    throw new LockplaneException(ErrorCode.INVALID_CONFIGURATION,
        "Liquibase changelog '" + ref + "' is " + (fileOnly ? "not a file" : classpathOnly ? "not on the class path"
            : "neither on the class path nor a file") + " (files are relative to " + Path.of("").toAbsolutePath()
            + "). Put it under src/main/resources or src/test/resources, or give a path.");
  }

  private static <T> T inScope(Located changelog, Scope.ScopedRunnerWithReturn<T> work) throws Exception {
    Map<String, Object> scope = new HashMap<>();
    scope.put(Scope.Attr.resourceAccessor.name(), changelog.accessor());
    // Liquibase's console output and its network analytics have no place in a library
    scope.put(Scope.Attr.ui.name(), new LoggerUIService());
    scope.put("liquibase.analytics.enabled", Boolean.FALSE);
    scope.put("liquibase.showBanner", Boolean.FALSE);
    return Scope.child(scope, work);
  }

  private static <T extends Throwable> T find(Throwable e, Class<T> type) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (type.isInstance(t)) {
        return type.cast(t);
      }
    }
    return null;
  }

  /** The database's own words when there are some, else the deepest Liquibase message. */
  private static String rootMessage(Throwable e) {
    SQLException sql = find(e, SQLException.class);
    if (sql != null) {
      return sql.getMessage() + (sql.getSQLState() == null ? "" : " (SQLSTATE " + sql.getSQLState() + ")");
    }
    String msg = e.getMessage();
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof LiquibaseException && t.getMessage() != null) {
        msg = t.getMessage();
      }
    }
    return msg;
  }

  private static String scrub(String message, GoldenTarget target) {
    String m = JdbcUrls.redact(message == null ? "" : message);
    String pw = target.password().orElse("");
    return pw.isEmpty() ? m : m.replace(pw, "***");
  }
}
