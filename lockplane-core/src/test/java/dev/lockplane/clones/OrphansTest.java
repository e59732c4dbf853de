package dev.lockplane.clones;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import dev.lockplane.clone.Clone;
import dev.lockplane.clone.CloneManager;
import dev.lockplane.postgres.LocalPostgres;
import dev.lockplane.testing.CloneAndHang;
import dev.lockplane.testing.SharedPostgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;


/** Databases left on a server by a killed process are found and removed; those of live managers never are. */
class OrphansTest {
  private static String prefix() {
    return "o" + UUID.randomUUID().toString().replace("-", "").substring(0, 8) + "_";
  }

  private static List<String> databases(String prefix) throws SQLException {
    List<String> out = new ArrayList<>();
    try (Connection c = SharedPostgres.get().connect("postgres"); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT datname FROM pg_database WHERE datname LIKE '" + prefix + "%' ORDER BY 1")) {
      while (rs.next()) {
        out.add(rs.getString(1));
      }
    }
    return out;
  }

  private static void exec(String sql) throws SQLException {
    try (Connection c = SharedPostgres.get().connect("postgres"); Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  private static void dropAll(String prefix) throws SQLException {
    for (String db : databases(prefix)) {
      exec("ALTER DATABASE \"" + db + "\" WITH IS_TEMPLATE false");
      exec("DROP DATABASE \"" + db + "\" WITH (FORCE)");
    }
  }

  @Test
  void clonesOfAKilledJvmAreFoundAndRemovedAndThoseOfALiveManagerNever() throws Exception {
    LocalPostgres pg = SharedPostgres.get();
    String dead = prefix();
    String live = prefix();
    String after = prefix();
    try (CloneManager mine = CloneManagers.prefetching(
        CloneManagers.databases(pg.jdbcUrl("postgres"), pg.user(), pg.password()).databasePrefix(live).start(), 1)) {
      Clone own = mine.create("mine");
      mine.snapshot("mine-frozen", own);
      long child = CloneAndHang.startAndKill(pg, dead);

      Orphans orphans = CloneManagers.orphans(pg.jdbcUrl("postgres"), pg.user(), pg.password());
      List<Orphan> found = orphans.list();
      assertThat(found).as("nothing of this JVM's live manager").noneMatch(o -> o.database().startsWith(live))
          .noneMatch(o -> o.ownerPid() == ProcessHandle.current().pid());
      List<Orphan> ofChild = found.stream().filter(o -> o.database().startsWith(dead)).toList();
      assertThat(ofChild).extracting(Orphan::database)
          .contains(dead + "left_behind", dead + "snap_frozen")
          .hasSize(4); // the named clone, the snapshot, the clone handed out and the spare made after it
      assertThat(ofChild).allSatisfy(o -> {
        assertThat(o.ownerPid()).isEqualTo(child);
        assertThat(o.reason()).contains("process " + child).contains("is gone");
        assertThat(o.created()).isBefore(Instant.now());
      });
      assertThat(ofChild).filteredOn(o -> o.kind() == Orphan.Kind.SNAPSHOT).extracting(Orphan::name).containsExactly("frozen");
      assertThat(ofChild).filteredOn(o -> o.name().equals("left-behind")).extracting(Orphan::kind)
          .containsExactly(Orphan.Kind.CLONE);

      // one by hand, the rest by the next manager that starts on the server
      Orphan snapshot = ofChild.stream().filter(o -> o.kind() == Orphan.Kind.SNAPSHOT).findFirst().orElseThrow();
      assertThat(orphans.remove(snapshot)).isTrue();
      assertThat(orphans.remove(snapshot)).as("gone already").isFalse();
      try (CloneManager next = CloneManagers.databases(pg.jdbcUrl("postgres"), pg.user(), pg.password())
          .databasePrefix(after).start()) {
        assertThat(next.list()).isEmpty();
      }
      // the golden is a cache, not an orphan: it stays
      assertThat(databases(dead)).hasSize(1).allMatch(d -> d.startsWith(dead + "golden_"));
      assertThat(orphans.list()).noneMatch(o -> o.database().startsWith(dead));

      // the live manager's clones and snapshot are untouched and still work
      assertThat(databases(live)).contains(live + "mine", live + "snap_mine_frozen");
      own.reset();
    } finally {
      dropAll(dead);
      dropAll(after);
    }
    assertThat(databases(live)).as("closed normally: only the golden stays").allMatch(d -> d.startsWith(live + "golden_"));
    dropAll(live);
  }

  @Test
  void otherHostsCountOnlyAfterTheConfiguredAgeAndKeptClonesNever() throws Exception {
    LocalPostgres pg = SharedPostgres.get();
    String prefix = prefix();
    String old = Instant.now().minus(Duration.ofDays(3)).toString();
    String far = prefix + "far";
    String kept = prefix + "kept";
    String fresh = prefix + "fresh";
    try {
      exec("CREATE DATABASE " + far);
      exec("COMMENT ON DATABASE " + far + " IS '{\"created\":\"" + old + "\",\"host\":\"elsewhere.example\",\"kind\":\"clone\","
          + "\"lockplane\":1,\"manager\":\"m1\",\"name\":\"far\",\"pid\":42,\"started\":\"x\"}'");
      exec("CREATE DATABASE " + fresh);
      exec("COMMENT ON DATABASE " + fresh + " IS '{\"created\":\"" + Instant.now() + "\",\"host\":\"elsewhere.example\","
          + "\"kind\":\"clone\",\"lockplane\":1,\"manager\":\"m1\",\"name\":\"fresh\",\"pid\":42,\"started\":\"x\"}'");
      // a clone kept for inspection, whose process is long gone
      try (CloneManager m = CloneManagers.databases(pg).databasePrefix(prefix).start()) {
        m.keep(m.create("kept"));
      }
      Orphans orphans = CloneManagers.orphans(pg);
      assertThat(orphans.list()).noneMatch(o -> o.database().startsWith(prefix));
      List<Orphan> aged = orphans.otherHostsAfter(Duration.ofDays(1)).list().stream()
          .filter(o -> o.database().startsWith(prefix)).toList();
      assertThat(aged).extracting(Orphan::database).containsExactly(far);
      assertThat(aged.get(0).ownerHost()).isEqualTo("elsewhere.example");
      assertThat(aged.get(0).reason()).contains("elsewhere.example");
      assertThat(orphans.otherHostsAfter(Duration.ofDays(1)).removeAll()).extracting(Orphan::database).contains(far)
          .noneMatch(o -> o.equals(fresh) || o.equals(kept));
      assertThat(databases(prefix)).contains(kept, fresh).doesNotContain(far);
      assertThatThrownBy(() -> orphans.otherHostsAfter(Duration.ZERO)).hasMessageContaining("positive");
    } finally {
      dropAll(prefix);
    }
  }
}
