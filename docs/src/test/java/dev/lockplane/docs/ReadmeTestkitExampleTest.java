package dev.lockplane.docs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lockplane.clone.Clone;
import dev.lockplane.testkit.JdbcUrl;
import dev.lockplane.testkit.LockplaneTest;
import dev.lockplane.testkit.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;

/** The README's "A test that owns its database" example, compiled and run. */
@LockplaneTest(scripts = {"db/schema.sql", "db/seed.sql"})
class ReadmeTestkitExampleTest {
  @TestDatabase static DataSource shared;

  @Test
  void cancel(DataSource db) throws SQLException {
    try (Connection c = db.getConnection()) {
      c.createStatement().execute("DELETE FROM orders");
    }
    try (Connection c = shared.getConnection(); ResultSet rs = c.createStatement().executeQuery("SELECT count(*) FROM orders")) {
      rs.next();
      assertThat(rs.getInt(1)).isEqualTo(100);
    }
  }

  @Test
  void refund(Clone clone, @JdbcUrl String url, Jdbi jdbi) {
    jdbi.useHandle(h -> h.execute("DELETE FROM orders"));
    clone.reset();
    assertThat(url).isEqualTo(clone.jdbcUrl());
    int orders = jdbi.withHandle(h -> h.createQuery("SELECT count(*) FROM orders").mapTo(Integer.class).one());
    assertThat(orders).isEqualTo(100);
  }
}
