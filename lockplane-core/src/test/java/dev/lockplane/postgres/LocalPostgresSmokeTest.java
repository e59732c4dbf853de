package dev.lockplane.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import org.junit.jupiter.api.Test;

class LocalPostgresSmokeTest {
  @Test
  void startsAndAnswers() throws Exception {
    long t0 = System.nanoTime();
    try (LocalPostgres pg = LocalPostgres.builder().start()) {
      System.out.println("start ms " + (System.nanoTime() - t0) / 1e6 + " " + pg);
      try (Connection c = pg.connect("postgres"); ResultSet rs = c.createStatement().executeQuery("select current_setting('server_version_num')::int / 10000, current_user")) {
        rs.next();
        assertThat(rs.getInt(1)).isEqualTo(18);
      }
    }
  }
}
