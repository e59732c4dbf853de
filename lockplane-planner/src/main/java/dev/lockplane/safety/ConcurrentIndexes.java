package dev.lockplane.safety;

import dev.lockplane.ErrorCode;
import dev.lockplane.LockplaneException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Concurrent index builds that clean up after themselves. A failed {@code CREATE INDEX CONCURRENTLY}
 * (duplicates under a unique index, a lock or statement timeout, a cancel) leaves an INVALID index:
 * never used by queries, but maintained by every write and in the way of a retry with the same name.
 */
public final class ConcurrentIndexes {
  private ConcurrentIndexes() {}

  /**
   * Returns the INVALID indexes of a table.
   *
   * @param connection the target
   * @param table the table, as SQL would resolve it
   * @return index names, sorted
   */
  public static List<String> invalidIndexes(Connection connection, String table) {
    String sql = "SELECT c.relname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid"
        + " WHERE i.indrelid = to_regclass(?) AND NOT i.indisvalid ORDER BY 1";
    try (PreparedStatement ps = connection.prepareStatement(sql)) {
      ps.setString(1, table);
      List<String> out = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(rs.getString(1));
        }
      }
      return out;
    } catch (SQLException e) {
      throw new LockplaneException(ErrorCode.DATABASE_ERROR, "cannot list the indexes of '" + table + "': "
          + e.getMessage(), e);
    }
  }

  /**
   * Builds an index concurrently: drops an INVALID index of the same name left by an earlier failure,
   * runs the build guarded, and if the build fails, drops the INVALID index it left before rethrowing.
   *
   * @param connection the target (autocommit is used)
   * @param executor the guard (timeouts, retries)
   * @param index the index name as created (unqualified, in the table's schema)
   * @param table the table
   * @param build the build step, e.g. from {@link SafeRewrites#createIndexConcurrently}
   * @return the outcome
   * @throws StepFailedException when the build fails; its message says whether the leftover was dropped
   */
  public static StepOutcome create(Connection connection, GuardedExecutor executor, String index, String table,
      SqlStep build) {
    dropIfInvalid(connection, executor, index, table);
    try {
      return executor.run(connection, build);
    } catch (StepFailedException e) {
      boolean left = invalidIndexes(connection, table).contains(index);
      if (left) {
        try {
          dropIfInvalid(connection, executor, index, table);
        } catch (LockplaneException cleanup) {
          e.addSuppressed(cleanup);
          throw new StepFailedException(e.code(), e.sql(), e.sqlState(), e.attempts(), e.getMessage()
              + "; the INVALID index " + index + " it left could not be dropped: run DROP INDEX CONCURRENTLY "
              + index, e);
        }
      }
      throw new StepFailedException(e.code(), e.sql(), e.sqlState(), e.attempts(), e.getMessage()
          + (left ? "; the INVALID index " + index + " it left was dropped" : ""), e);
    }
  }

  private static void dropIfInvalid(Connection connection, GuardedExecutor executor, String index, String table) {
    if (invalidIndexes(connection, table).contains(index)) {
      String schema = schemaOf(connection, table);
      executor.run(connection, SafeRewrites.dropIndexConcurrently(schema + "." + index));
    }
  }

  private static String schemaOf(Connection connection, String table) {
    try (PreparedStatement ps = connection.prepareStatement(
        "SELECT n.nspname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = to_regclass(?)")) {
      ps.setString(1, table);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          throw new LockplaneException(ErrorCode.NOT_FOUND, "no table '" + table + "': check the name");
        }
        return rs.getString(1);
      }
    } catch (SQLException e) {
      throw new LockplaneException(ErrorCode.DATABASE_ERROR, "cannot resolve '" + table + "': " + e.getMessage(), e);
    }
  }
}
