package dev.lockplane.benchmarks.workload;

import java.sql.Connection;
import java.sql.SQLException;
import org.junit.jupiter.api.RepeatedTest;

/**
 * The baseline: the same 200 tests on one shared database and one shared connection, each inside a
 * transaction rolled back by hand — what a test costs with no isolation machinery at all.
 */
public class SharedDatabase {
  /** The shared database; the harness sets it before running the class, and closes it after. */
  public static volatile Connection connection;

  /** Creates the test class; JUnit does this. */
  public SharedDatabase() {}

  /**
   * One short test.
   *
   * @throws SQLException on failure
   */
  @RepeatedTest(200)
  void work() throws SQLException {
    Connection c = connection;
    c.setAutoCommit(false);
    Workload.run(c);
    c.rollback();
  }
}
