package dev.lockplane.internal.planner;

import dev.lockplane.ErrorCode;
import dev.lockplane.LockplaneException;
import dev.lockplane.clone.Script;
import dev.lockplane.internal.planner.pg.PgScratch;
import dev.lockplane.internal.sql.ScriptRunner;
import dev.lockplane.internal.sql.SqlStatement;
import dev.lockplane.schema.Dialect;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the planner does with each statement of desired SQL before it runs in the scratch database:
 * refuses statements that act outside that database, reads rename hints, and runs extension
 * statements as the administrator (a database owner may create only trusted extensions).
 */
final class DesiredStatements implements ScriptRunner.Hook {
  private static final Pattern OUTSIDE = Pattern.compile(
      "^(?:(?<database>(?:CREATE|DROP|ALTER)\\s+DATABASE)\\b"
          + "|(?<system>ALTER\\s+SYSTEM)\\b"
          + "|(?<role>(?:CREATE|ALTER|DROP)\\s+(?:ROLE|USER|GROUP))\\b(?!\\s+MAPPING\\b)"
          + "|(?<tablespace>(?:CREATE|ALTER|DROP)\\s+TABLESPACE)\\b"
          + "|(?<load>LOAD)\\b"
          + "|(?<program>COPY)\\b.*\\b(?:TO|FROM)\\s+PROGRAM\\b)",
      Pattern.CASE_INSENSITIVE | Pattern.DOTALL);
  private static final Pattern ATTACH = Pattern.compile("^(?:ATTACH|DETACH)\\b", Pattern.CASE_INSENSITIVE);
  private static final Pattern EXTENSION = Pattern.compile(
      "^(?:(?:CREATE|ALTER|DROP)\\s+EXTENSION|COMMENT\\s+ON\\s+EXTENSION)\\b", Pattern.CASE_INSENSITIVE);
  private static final Pattern COMMENTS = Pattern.compile("--[^\\n]*|/\\*.*?\\*/", Pattern.DOTALL);

  private final RenameHints hints;
  private final String defaultSchema;
  private final Dialect dialect;
  private final PgScratch scratch;

  /**
   * @param hints collects rename hints
   * @param dialect the scratch database's dialect
   * @param scratch the PostgreSQL scratch database, or {@code null} for SQLite
   */
  DesiredStatements(RenameHints hints, Dialect dialect, PgScratch scratch) {
    this.hints = hints;
    this.dialect = dialect;
    this.defaultSchema = dialect == Dialect.SQLITE ? "main" : "public";
    this.scratch = scratch;
  }

  @Override
  public Connection before(Script script, SqlStatement statement, Connection connection) {
    String plain = COMMENTS.matcher(statement.sql()).replaceAll(" ").strip().replaceAll("\\s+", " ");
    refuseOutside(script, statement, plain);
    hints.scan(statement.sql(), defaultSchema);
    if (scratch != null && EXTENSION.matcher(plain).find()) {
      try {
        return scratch.adminConnection();
      } catch (SQLException e) {
        throw new LockplaneException(ErrorCode.DATABASE_ERROR, script.name() + ":" + statement.line()
            + ": cannot connect to the scratch database as the administrator to run this extension statement: "
            + e.getMessage(), e);
      }
    }
    return connection;
  }

  @Override
  public String advice() {
    return "Fix the statement in the desired schema file and plan again.";
  }

  private void refuseOutside(Script script, SqlStatement statement, String plain) {
    String why = null;
    Matcher m = OUTSIDE.matcher(plain);
    if (m.find()) {
      if (m.group("database") != null) {
        why = "acts on a whole database, and desired SQL describes the objects inside one";
      } else if (m.group("system") != null) {
        why = "changes the server's configuration";
      } else if (m.group("role") != null) {
        why = "changes the server's roles, which all its databases share";
      } else if (m.group("tablespace") != null) {
        why = "changes the server's tablespaces";
      } else if (m.group("load") != null) {
        why = "loads a shared library into the server";
      } else {
        why = "runs a program on the database server";
      }
    } else if (dialect == Dialect.SQLITE && ATTACH.matcher(plain).find()) {
      why = "attaches another database file";
    }
    if (why != null) {
      throw new LockplaneException(ErrorCode.INVALID_INPUT, script.name() + ":" + statement.line()
          + ": desired SQL may not run '" + head(plain) + "': it " + why
          + ". Remove the statement from the desired schema file; manage databases, roles and server settings"
          + " outside it.");
    }
  }

  private static String head(String plain) {
    String[] words = plain.split(" ", 4);
    StringBuilder b = new StringBuilder();
    for (int k = 0; k < Math.min(3, words.length); k++) {
      b.append(k == 0 ? "" : " ").append(words[k]);
    }
    return b + (words.length > 3 ? " …" : "");
  }
}
