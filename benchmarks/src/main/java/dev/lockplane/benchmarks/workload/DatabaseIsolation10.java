package dev.lockplane.benchmarks.workload;

import dev.lockplane.testkit.LockplaneTest;
import java.sql.Connection;
import java.sql.SQLException;
import org.junit.jupiter.api.RepeatedTest;

/** 200 short tests on clones of the ~10 MB golden; the isolation comes from the configuration parameters. */
@LockplaneTest(scripts = "bench/golden-10mb.sql")
public class DatabaseIsolation10 {
  /** Creates the test class; JUnit does this. */
  public DatabaseIsolation10() {}

  /**
   * One short test.
   *
   * @param c the test's connection
   * @throws SQLException on failure
   */
  @RepeatedTest(200)
  void work(Connection c) throws SQLException {
    Workload.run(c);
  }
}
