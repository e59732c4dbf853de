package dev.lockplane.clones;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lockplane.ErrorCode;
import dev.lockplane.LockplaneException;
import dev.lockplane.clone.Clone;
import dev.lockplane.clone.CloneManager;
import dev.lockplane.clone.Golden;
import dev.lockplane.clone.GoldenSource;
import dev.lockplane.clone.GoldenTarget;
import dev.lockplane.testing.SharedPostgres;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Goldens loaded by a {@link GoldenSource} of the user's own into database-level clones. */
class GoldenSourceTest {
  private static final Instant DATA_TIME = Instant.parse("2026-01-02T03:04:05Z");

  private static String prefix() {
    return "g" + UUID.randomUUID().toString().replace("-", "").substring(0, 8) + "_";
  }

  /** Fills the target over JDBC, as a loader of a user's own would. */
  private static final class RowsSource implements GoldenSource {
    final AtomicReference<GoldenTarget> seen = new AtomicReference<>();
    final AtomicInteger loads = new AtomicInteger();
    private final String key;

    RowsSource(String key) {
      this.key = key;
    }

    @Override
    public Form form() {
      return Form.LOGICAL;
    }

    @Override
    public String contentKey() {
      return key;
    }

    @Override
    public String describe() {
      return "rows of test " + key;
    }

    @Override
    public Instant load(GoldenTarget target) {
      seen.set(target);
      loads.incrementAndGet();
      Properties p = new Properties();
      p.setProperty("user", target.user());
      target.password().ifPresent(pw -> p.setProperty("password", pw));
      try (Connection c = DriverManager.getConnection(target.jdbcUrl(), p); Statement s = c.createStatement()) {
        s.execute("CREATE TABLE loaded (id int PRIMARY KEY, source text)");
        s.execute("INSERT INTO loaded SELECT g, 'loader' FROM generate_series(1, 25) g");
      } catch (java.sql.SQLException e) {
        throw new LockplaneException(ErrorCode.DATABASE_ERROR, "cannot load: " + e.getMessage(), e);
      }
      target.progress("loaded 25 rows");
      return DATA_TIME;
    }
  }

  @Test
  void aLogicalSourceFillsTheGoldenAndSetsTheTimeOfItsData() throws Exception {
    RowsSource source = new RowsSource(UUID.randomUUID().toString());
    String prefix = prefix();
    try (CloneManager m = CloneManagers.databases(SharedPostgres.get()).databasePrefix(prefix)
        .golden(Golden.from(source)).start()) {
      assertThat(m.golden().dataStateAt()).isEqualTo(DATA_TIME);
      assertThat(m.golden().createdAt()).isAfter(DATA_TIME);
      assertThat(m.golden().description()).isEqualTo(source.describe());
      GoldenTarget t = source.seen.get();
      assertThat(t.database()).startsWith(prefix + "building_");
      assertThat(t.serverMajorVersion()).isEqualTo(SharedPostgres.get().majorVersion());
      assertThat(t.binDirectory()).contains(SharedPostgres.get().installation().binDirectory());
      assertThat(t.toString()).doesNotContain(SharedPostgres.get().password());
      assertThatThrownBy(t::dataDirectory).isInstanceOf(UnsupportedOperationException.class);
      Clone c = m.create("reader");
      try (Connection conn = c.dataSource().getConnection(); Statement s = conn.createStatement();
          ResultSet rs = s.executeQuery("SELECT count(*) FROM loaded WHERE source = 'loader'")) {
        rs.next();
        assertThat(rs.getLong(1)).isEqualTo(25);
      }
      // the same content key reuses the golden, with the time of its data
      try (CloneManager again = CloneManagers.databases(SharedPostgres.get()).databasePrefix(prefix)
          .golden(Golden.from(source)).start()) {
        assertThat(again.golden().dataStateAt()).isEqualTo(DATA_TIME);
        assertThat(source.loads).hasValue(1);
      }
    }
  }

  @Test
  void aPhysicalSourceIsRefusedBeforeAnythingIsBuilt() {
    AtomicInteger loads = new AtomicInteger();
    GoldenSource physical = new GoldenSource() {
      @Override
      public Form form() {
        return Form.PHYSICAL;
      }

      @Override
      public String contentKey() {
        return "physical";
      }

      @Override
      public String describe() {
        return "a base backup";
      }

      @Override
      public Instant load(GoldenTarget target) {
        loads.incrementAndGet();
        return Instant.now();
      }
    };
    assertThatThrownBy(() -> CloneManagers.databases(SharedPostgres.get()).databasePrefix(prefix())
        .golden(Golden.from(physical)).start())
        .isInstanceOf(LockplaneException.class)
        .hasMessageContaining("a base backup")
        .hasMessageContaining("needs instance-level clones")
        .extracting(e -> ((LockplaneException) e).code()).isEqualTo(ErrorCode.UNSUPPORTED);
    assertThat(loads).hasValue(0);
  }
}
