package dev.lockplane.internal.safety;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Answers "does this statement rewrite the table?" by asking the target server itself: the change is
 * made to an empty temporary twin inside a transaction that is rolled back, and the twin's
 * relfilenode is compared before and after. PostgreSQL decides to rewrite from the catalog (volatile
 * default, domain constraints, non-binary-coercible cast, typmod) and not from the rows, so the empty
 * twin gives the same answer as the real table, for the server's own version, without parsing SQL.
 */
public final class CatalogProbe {
  /**
   * The probe's answer: {@code NO_CAST} when the server has no cast between the types at all, so the
   * statement would fail.
   */
  public enum Answer { REWRITES, NO_REWRITE, NO_CAST, UNKNOWN }

  /** SQLSTATE cannot_coerce: "cannot cast type integer to date". */
  private static final String CANNOT_COERCE = "42846";

  private final Connection connection;

  public CatalogProbe(Connection connection) {
    this.connection = connection;
  }

  /** Whether {@code ADD COLUMN c type DEFAULT expr} rewrites (a volatile default, or a domain with constraints). */
  public Answer addColumnWithDefault(String type, String collation, String defaultExpression) {
    return probe("x int", "ADD COLUMN c " + type + collate(collation) + " DEFAULT " + defaultExpression);
  }

  /** Whether {@code ALTER COLUMN c TYPE to USING c::to} from {@code from} rewrites. */
  public Answer alterType(String from, String fromCollation, String to, String toCollation) {
    return probe("c " + from + collate(fromCollation),
        "ALTER COLUMN c TYPE " + to + collate(toCollation) + (from.equals(to) ? "" : " USING c::" + to));
  }

  private static String collate(String collation) {
    return collation == null ? "" : " COLLATE " + collation;
  }

  private Answer probe(String columns, String alteration) {
    boolean autoCommit;
    try {
      autoCommit = connection.getAutoCommit();
    } catch (SQLException e) {
      return Answer.UNKNOWN;
    }
    try {
      connection.setAutoCommit(false);
      try (Statement s = connection.createStatement()) {
        s.execute("CREATE TEMP TABLE lockplane_probe (" + columns + ") ON COMMIT DROP");
        long before = filenode(s);
        s.execute("ALTER TABLE pg_temp.lockplane_probe " + alteration);
        return filenode(s) == before ? Answer.NO_REWRITE : Answer.REWRITES;
      } finally {
        connection.rollback();
        connection.setAutoCommit(autoCommit);
      }
    } catch (SQLException e) {
      if (CANNOT_COERCE.equals(e.getSQLState())) {
        return Answer.NO_CAST;
      }
      // A type or sequence the plan creates first, or no TEMP privilege: the caller assumes the worst.
      return Answer.UNKNOWN;
    }
  }

  private static long filenode(Statement s) throws SQLException {
    try (ResultSet rs = s.executeQuery("SELECT relfilenode FROM pg_class WHERE oid = 'pg_temp.lockplane_probe'::regclass")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /** Whether a table has at least one row; false when it cannot be read (for example it does not exist yet). */
  public boolean hasRows(String quotedTable) {
    try (Statement s = connection.createStatement();
        ResultSet rs = s.executeQuery("SELECT EXISTS (SELECT FROM " + quotedTable + ")")) {
      return rs.next() && rs.getBoolean(1);
    } catch (SQLException e) {
      return false;
    }
  }
}
