package dev.lockplane.clones;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lockplane.clone.Clone;
import dev.lockplane.clone.CloneManager;
import dev.lockplane.clone.Golden;
import dev.lockplane.clone.Script;
import dev.lockplane.testing.SharedPostgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/** A spare clone comes with its first connection opened in the background, never used before. */
class PrefetchingWarmConnectionTest {
  private static final Golden NOTES = Golden.fromScripts(List.of(Script.of("notes.sql", """
      CREATE TABLE notes (id serial PRIMARY KEY, body text NOT NULL);
      INSERT INTO notes (body) VALUES ('first'), ('second');
      """)));

  private static long one(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static long sessionsOn(String database) throws SQLException {
    try (Connection c = SharedPostgres.get().connect("postgres")) {
      return one(c, "SELECT count(*) FROM pg_stat_activity WHERE datname = '" + database + "'");
    }
  }

  private static String databaseOf(Clone c) {
    String url = c.jdbcUrl();
    int q = url.indexOf('?');
    return url.substring(url.lastIndexOf('/') + 1, q < 0 ? url.length() : q);
  }

  private static void awaitSessions(String database, long n) throws Exception {
    for (int i = 0; i < 1500 && sessionsOn(database) != n; i++) {
      Thread.sleep(20);
    }
    assertThat(sessionsOn(database)).as("sessions on " + database).isEqualTo(n);
  }

  @Test
  void theFirstConnectionIsOpenedInAdvanceAndTheRestAreNew() throws Exception {
    String prefix = "w" + UUID.randomUUID().toString().replace("-", "").substring(0, 8) + "_";
    try (CloneManager m = CloneManagers.prefetching(
        CloneManagers.databases(SharedPostgres.get()).golden(NOTES).databasePrefix(prefix).start(), 1)) {
      for (int i = 0; i < 1500 && m.list().isEmpty() && sessionsWithPrefix(prefix) == 0; i++) {
        Thread.sleep(20);
      }
      Clone a = m.create();
      String db = databaseOf(a);
      awaitSessions(db, 1); // the spare's connection, opened before anyone asked
      DataSource ds = a.dataSource();
      try (Connection first = ds.getConnection(); Connection second = ds.getConnection()) {
        assertThat(first.getAutoCommit()).isTrue();
        assertThat(one(first, "SELECT count(*) FROM notes")).isEqualTo(2);
        assertThat(one(first, "SELECT pg_backend_pid()")).isNotEqualTo(one(second, "SELECT pg_backend_pid()"));
        assertThat(sessionsOn(db)).as("the warm connection was handed out, not a third one opened").isEqualTo(2);
      }
      awaitSessions(db, 0);

      // a reset ends the clone's sessions: an unused warm connection is dropped, not handed out dead
      Clone b = m.create();
      String dbB = databaseOf(b);
      awaitSessions(dbB, 1);
      try (Connection c = b.dataSource().getConnection(); Statement s = c.createStatement()) {
        s.execute("DELETE FROM notes");
      }
      b.reset();
      try (Connection c = b.dataSource().getConnection()) {
        assertThat(one(c, "SELECT count(*) FROM notes")).isEqualTo(2);
      }
      Clone c = m.create();
      awaitSessions(databaseOf(c), 1);
      c.reset();
      try (Connection conn = c.dataSource().getConnection()) {
        assertThat(one(conn, "SELECT count(*) FROM notes")).isEqualTo(2);
      }
      // destroying a clone whose warm connection was never taken closes it
      Clone d = m.create();
      String dbD = databaseOf(d);
      awaitSessions(dbD, 1);
      d.destroy();
      awaitSessions(dbD, 0);
    }
    assertThat(sessionsWithPrefix(prefix)).isZero();
  }

  private static long sessionsWithPrefix(String prefix) throws SQLException {
    try (Connection c = SharedPostgres.get().connect("postgres")) {
      return one(c, "SELECT count(*) FROM pg_stat_activity WHERE datname LIKE '" + prefix + "%'");
    }
  }
}
