package dev.lockplane.cli;

import static org.assertj.core.api.Assertions.assertThat;
import dev.lockplane.cli.MainTest.Result;
import dev.lockplane.postgres.LocalPostgres;
import dev.lockplane.testing.CloneAndHang;
import dev.lockplane.testing.SharedPostgres;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;


/** {@code lockplane clone orphans}: the clones of a killed JVM are listed, then removed. */
class CloneOrphansCommandTest {
  LocalPostgres pg = SharedPostgres.get();

  @Test
  void listsThenRemovesTheClonesOfAKilledProcess() throws Exception {
    String prefix = "c" + UUID.randomUUID().toString().replace("-", "").substring(0, 8) + "_";
    long pid = CloneAndHang.startAndKill(pg, prefix);
    Map<String, String> env = Map.of("LOCKPLANE_PASSWORD", pg.password());
    String[] base = {"clone", "orphans", "--url", pg.jdbcUrl("postgres"), "--user", pg.user()};

    Result listed = MainTest.run(env, concat(base, "--format", "json"));
    assertThat(listed.code()).as(listed.err()).isEqualTo(Main.CHANGES);
    var orphans = Json.read(listed.out()).get("orphans");
    int mine = 0;
    for (var o : orphans) {
      if (o.get("database").asText().startsWith(prefix)) {
        mine++;
        assertThat(o.get("ownerPid").asLong()).isEqualTo(pid);
      }
    }
    assertThat(mine).as(listed.out()).isEqualTo(4);

    Result text = MainTest.run(env, base);
    assertThat(text.out()).contains(prefix + "left_behind", "run again with --remove");

    Result removed = MainTest.run(env, concat(base, "--remove"));
    assertThat(removed.code()).as(removed.err()).isZero();
    assertThat(removed.out()).contains(prefix + "left_behind", "removed.");

    Result after = MainTest.run(env, concat(base, "--format", "json"));
    assertThat(after.out()).doesNotContain(prefix);
  }

  @Test
  void needsAPostgresUrl() {
    Result r = MainTest.run("clone", "orphans", "--url", "jdbc:sqlite:/tmp/x.db");
    assertThat(r.code()).isEqualTo(Main.USAGE);
    assertThat(r.err()).contains("--url", "PostgreSQL");
  }

  private static String[] concat(String[] a, String... b) {
    String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
