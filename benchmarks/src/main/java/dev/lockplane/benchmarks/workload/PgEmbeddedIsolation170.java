package dev.lockplane.benchmarks.workload;

import de.softwareforge.testing.postgres.junit5.EmbeddedPgExtension;
import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The peer pg-embedded in its multi-database mode: the same 200 short tests on the ~170 MB golden,
 * each on a new database that pg-embedded creates from its prepared template.
 */
public class PgEmbeddedIsolation170 {
  @RegisterExtension
  static final EmbeddedPgExtension PG = PeerGoldens.pgEmbedded("bench/golden-170mb.sql");

  /** Creates the test class; JUnit does this. */
  public PgEmbeddedIsolation170() {}

  /**
   * One short test; the extension makes a new database for each resolved data source.
   *
   * @param dataSource this test's database
   * @throws SQLException on failure
   */
  @RepeatedTest(200)
  void work(DataSource dataSource) throws SQLException {
    try (Connection c = dataSource.getConnection()) {
      Workload.run(c);
    }
  }
}
