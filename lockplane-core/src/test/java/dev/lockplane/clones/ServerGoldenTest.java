package dev.lockplane.clones;

import static dev.lockplane.clones.ProductionServer.READER;
import static dev.lockplane.clones.ProductionServer.READER_PASSWORD;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lockplane.clone.Clone;
import dev.lockplane.clone.CloneManager;
import dev.lockplane.clone.Golden;
import dev.lockplane.clone.Snapshot;
import dev.lockplane.testing.LogCapture;
import dev.lockplane.testing.SharedPostgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.logging.Level;
import java.util.logging.SimpleFormatter;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Goldens read with pg_dump from a second server that plays production (PostgreSQL 15, password
 * authentication, a read-only role), cloned on the shared server, and refreshed.
 */
class ServerGoldenTest {
  static ProductionServer prod;
  @RegisterExtension final LogCapture logs = new LogCapture();

  @BeforeAll
  static void start() throws Exception {
    prod = ProductionServer.get();
  }

  private static String prefix() {
    return "s" + UUID.randomUUID().toString().replace("-", "").substring(0, 8) + "_";
  }

  private static Golden.FromServer shop() {
    return Golden.fromServer(prod.url("shop"), READER, READER_PASSWORD);
  }

  private static Map<String, String> checksums(DataSource ds) throws SQLException {
    try (Connection c = ds.getConnection()) {
      return ProductionServer.checksums(c);
    }
  }

  private static long count(DataSource ds, String sql) throws SQLException {
    try (Connection c = ds.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static boolean databaseExists(String name) throws SQLException {
    return count(SharedPostgres.get().dataSource("postgres"), "SELECT count(*) FROM pg_database WHERE datname = '" + name + "'") == 1;
  }

  private List<String> messages(Level level) {
    SimpleFormatter f = new SimpleFormatter();
    return logs.atLeast(level).stream().map(f::formatMessage).toList();
  }

  @Test
  void aDumpOfTheSourceBecomesTheGoldenTableForTable() throws Exception {
    Map<String, String> expected;
    try (Connection c = prod.pg.connect("shop")) {
      expected = ProductionServer.checksums(c);
    }
    assertThat(expected).containsKeys("sales.customers", "sales.orders", "public.settings");
    List<String> dumps = ProductionServer.dumpDirectories();
    String prefix = prefix();
    Instant before = Instant.now();
    try (CloneManager m = CloneManagers.databases(SharedPostgres.get()).databasePrefix(prefix)
        .golden(shop().jobs(3)).start()) {
      Snapshot golden = m.golden();
      assertThat(golden.dataStateAt()).isBetween(before.minusSeconds(2), Instant.now());
      assertThat(golden.description()).contains("127.0.0.1:" + prod.pg.port()).doesNotContain(READER_PASSWORD);
      Clone a = m.create("alice");
      Clone b = m.create("bob");
      assertThat(checksums(a.dataSource())).isEqualTo(expected);
      // views, functions and sequences came along, and the sequence goes on where the source's stands
      assertThat(count(a.dataSource(), "SELECT count(*) FROM sales.big_orders")).isEqualTo(2200);
      assertThat(count(a.dataSource(), "SELECT sales.order_count(7)")).isEqualTo(10);
      assertThat(count(a.dataSource(), "SELECT nextval('sales.orders_id_seq')")).isEqualTo(3001);
      try (Connection c = a.dataSource().getConnection(); Statement s = c.createStatement()) {
        s.execute("DELETE FROM sales.orders");
      }
      assertThat(checksums(b.dataSource())).isEqualTo(expected);
      // roles the golden cannot reproduce are reported, not fatal
      assertThat(messages(Level.WARNING)).anySatisfy(w -> assertThat(w)
          .contains("does not reproduce the source's roles").contains("app_owner").contains("reporting"));

      // a second manager on the same source reuses the golden, and knows the time of its data
      try (CloneManager again = CloneManagers.databases(SharedPostgres.get()).databasePrefix(prefix)
          .golden(shop()).warnWhenOlderThan(Duration.ofMillis(1)).start()) {
        assertThat(again.golden().name()).isEqualTo(golden.name());
        assertThat(again.golden().dataStateAt()).isEqualTo(golden.dataStateAt());
        Thread.sleep(5);
        again.create("carol");
        again.create("dave");
        List<String> stale = messages(Level.WARNING).stream().filter(w -> w.contains("older than")).toList();
        assertThat(stale).hasSize(1); // once per golden
        assertThat(stale.get(0)).contains(golden.name()).contains("holds data from " + golden.dataStateAt());
      }
    }
    assertThat(ProductionServer.dumpDirectories()).isEqualTo(dumps);
  }

  @Test
  void aRefreshSwitchesToNewDataOnlyForClonesMadeAfterIt() throws Exception {
    String prefix = prefix();
    prod.exec("shop", "DELETE FROM public.settings WHERE key = 'refreshed'");
    try (CloneManager m = CloneManagers.prefetching(
        CloneManagers.databases(SharedPostgres.get()).databasePrefix(prefix).golden(shop()).start(), 1)) {
      Snapshot old = m.golden();
      Clone before = m.create("before");
      waitForSpare(m);
      prod.exec("shop", "INSERT INTO public.settings VALUES ('refreshed', 'yes')");

      Snapshot fresh = m.refreshGolden();
      assertThat(fresh.name()).isNotEqualTo(old.name()).startsWith(old.name() + "_");
      assertThat(fresh.dataStateAt()).isAfter(old.dataStateAt());
      assertThat(m.golden()).isEqualTo(fresh);
      String sql = "SELECT count(*) FROM public.settings WHERE key = 'refreshed'";
      assertThat(count(m.create().dataSource(), sql)).as("the spare of the old golden is not handed out").isEqualTo(1);
      assertThat(count(m.create("after").dataSource(), sql)).isEqualTo(1);
      // the clone made before keeps working, and resets to the data it was made from
      assertThat(count(before.dataSource(), sql)).isZero();
      before.reset();
      assertThat(count(before.dataSource(), sql)).isZero();
      assertThat(m.snapshots()).extracting(Snapshot::name).startsWith(fresh.name()).contains(old.name());
      assertThat(databaseExists(old.name())).isTrue();
      // a manager started now picks the newest golden of the source, and leaves the former one alone
      try (CloneManager next = CloneManagers.databases(SharedPostgres.get()).databasePrefix(prefix).golden(shop()).start()) {
        assertThat(next.golden().name()).isEqualTo(fresh.name());
        assertThat(next.golden().dataStateAt()).isEqualTo(fresh.dataStateAt());
      }
      assertThat(databaseExists(old.name())).isTrue();
      before.reset();
      // the former golden goes with its last clone (the discarded spare is destroyed in the background)
      before.destroy();
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (databaseExists(old.name()) && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertThat(databaseExists(old.name())).isFalse();
      assertThat(m.snapshots()).extracting(Snapshot::name).doesNotContain(old.name());

    } finally {
      prod.exec("shop", "DELETE FROM public.settings WHERE key = 'refreshed'");
    }
  }

  @Test
  void aScheduledRefreshPicksUpNewRows() throws Exception {
    prod.exec("shop", "DELETE FROM public.settings WHERE key = 'scheduled'");
    try (CloneManager m = CloneManagers.databases(SharedPostgres.get()).databasePrefix(prefix())
        .golden(shop().jobs(1)).refreshEvery(Duration.ofMillis(200)).start()) {
      Snapshot first = m.golden();
      prod.exec("shop", "INSERT INTO public.settings VALUES ('scheduled', 'yes')");
      Instant inserted = Instant.now();
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (m.golden().dataStateAt().isBefore(inserted) && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      assertThat(m.golden().name()).isNotEqualTo(first.name());
      assertThat(count(m.create("late").dataSource(), "SELECT count(*) FROM public.settings WHERE key = 'scheduled'"))
          .isEqualTo(1);
    } finally {
      prod.exec("shop", "DELETE FROM public.settings WHERE key = 'scheduled'");
    }
  }

  private static void waitForSpare(CloneManager m) throws InterruptedException {
    // the spare is hidden from list(); its database shows on the server
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (System.nanoTime() < deadline) {
      try {
        if (count(SharedPostgres.get().dataSource("postgres"), "SELECT count(*) FROM pg_database WHERE datname LIKE '"
            + m.golden().name().substring(0, 10) + "clone%'") > 0) {
          return;
        }
      } catch (SQLException e) {
        throw new AssertionError(e);
      }
      Thread.sleep(20);
    }
  }
}
