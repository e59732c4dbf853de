package dev.lockplane.benchmarks.workload;

import io.zonky.test.db.AutoConfigureEmbeddedDatabase;
import io.zonky.test.db.AutoConfigureEmbeddedDatabase.DatabaseProvider;
import io.zonky.test.db.AutoConfigureEmbeddedDatabase.DatabaseType;
import io.zonky.test.db.AutoConfigureEmbeddedDatabase.RefreshMode;
import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.datasource.init.DataSourceInitializer;
import org.springframework.test.context.ContextConfiguration;
import org.springframework.test.context.junit.jupiter.SpringExtension;

/**
 * The peer zonky embedded-database-spring-test: the same 200 short tests on the ~170 MB golden, each
 * on a fresh database ({@code refresh = AFTER_EACH_TEST_METHOD}: zonky records what the context did
 * to the database on start-up, keeps it as a template and hands every test a new copy of it).
 */
@ExtendWith(SpringExtension.class)
@ContextConfiguration(classes = ZonkyIsolation170.Golden.class)
@AutoConfigureEmbeddedDatabase(type = DatabaseType.POSTGRES, provider = DatabaseProvider.ZONKY,
    refresh = RefreshMode.AFTER_EACH_TEST_METHOD)
public class ZonkyIsolation170 {
  @Autowired
  DataSource dataSource;

  /** Creates the test class; JUnit does this. */
  public ZonkyIsolation170() {}

  /**
   * One short test; taking its connection is part of the overhead, as a handout is for Lockplane.
   *
   * @throws SQLException on failure
   */
  @RepeatedTest(200)
  void work() throws SQLException {
    try (Connection c = dataSource.getConnection()) {
      Workload.run(c);
    }
  }

  /** The golden: the benchmark's script, run on the embedded database when the context starts. */
  @Configuration(proxyBeanMethods = false)
  static class Golden {
    @Bean
    DataSourceInitializer golden(DataSource dataSource) {
      return PeerGoldens.initializer(dataSource, "bench/golden-170mb.sql");
    }
  }
}
