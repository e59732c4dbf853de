package dev.lockplane.trace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lockplane.ErrorCode;
import dev.lockplane.LockplaneException;
import dev.lockplane.clone.CloneManager;
import dev.lockplane.clone.Golden;
import dev.lockplane.clone.Script;
import dev.lockplane.clones.CloneManagers;
import dev.lockplane.safety.ReportFormat;
import dev.lockplane.testing.SharedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A steady read/write workload beside a migration that holds ACCESS EXCLUSIVE for about a second:
 * queries wait on that statement's lock; the same change without the long transaction makes none wait.
 */
class TraceLoadTest {
  @TempDir Path dir;

  @Test
  void aLongAccessExclusiveMakesTheWorkloadWaitAndTheSafeFormDoesNot() throws IOException {
    Path mix = dir.resolve("mix.txt");
    Files.writeString(mix, "# reads and writes of one hot row\n150/s SELECT amount FROM orders WHERE id = 7\n\n"
        + "50/s UPDATE orders SET amount = amount + 1 WHERE id = 9;\n");
    Workload workload = Workload.mix(mix);
    assertThat(workload.queries()).hasSize(2);
    assertThat(workload.totalRate()).isEqualTo(200.0);

    String prefix = "tl" + UUID.randomUUID().toString().replace("-", "").substring(0, 6) + "_";
    try (CloneManager clones = CloneManagers.databases(SharedPostgres.get()).golden(Golden.fromScripts(List.of(Script.of(
        "o.sql", "CREATE TABLE orders (id int PRIMARY KEY, amount int);"
            + "INSERT INTO orders SELECT g, g FROM generate_series(1, 2000) g;")))).databasePrefix(prefix).start()) {
      TraceReport unsafe = trace(clones, workload,
          "SET lock_timeout = '2s';\nBEGIN;\nALTER TABLE orders ADD COLUMN note text;\nSELECT pg_sleep(1);\nCOMMIT;");
      String text = unsafe.render(ReportFormat.TEXT);
      System.out.println(text); // kept in the surefire output as a sample
      LoadReport load = unsafe.load().orElseThrow();
      assertThat(load.baselineQueries()).as(text).isGreaterThan(50);
      assertThat(load.waited()).as(text).isGreaterThan(20);
      LoadImpact sleep = load.statements().get(4);
      assertThat(sleep.waited()).as(text).isPositive();
      assertThat(sleep.max()).as(text).isGreaterThan(Duration.ofMillis(300));
      assertThat(text).contains("queries waited on its locks (p50");
      assertThat(unsafe.render(ReportFormat.JSON)).contains("\"baselineQueries\"", "\"waited\"");
      assertThat(unsafe.ruleIds()).contains("lock-held-across-slow-statement");

      TraceReport safe = trace(clones, workload,
          "SET lock_timeout = '2s';\nALTER TABLE orders ADD COLUMN note text;\nSELECT pg_sleep(1);");
      assertThat(safe.load().orElseThrow().waited()).as(safe.render(ReportFormat.TEXT)).isZero();
      assertThat(safe.load().orElseThrow().statements().get(3).queries()).isGreaterThan(50);
      assertThat(clones.list()).isEmpty();
    }
  }

  @Test
  void aMixFileWithASyntaxErrorNamesItsLine() throws IOException {
    Path mix = dir.resolve("mix.txt");
    Files.writeString(mix, "100/s SELECT 1\nfast SELECT 2\n");
    assertThatThrownBy(() -> Workload.mix(mix)).isInstanceOf(LockplaneException.class)
        .satisfies(e -> assertThat(((LockplaneException) e).code()).isEqualTo(ErrorCode.INVALID_INPUT))
        .hasMessageContaining(mix + ":2: expected 'RATE/s SQL'");
    Files.writeString(mix, "5000/s SELECT 1\n");
    assertThatThrownBy(() -> Workload.mix(mix)).isInstanceOf(LockplaneException.class)
        .hasMessageContaining("at most " + Workload.MAX_RATE);
  }

  private static TraceReport trace(CloneManager clones, Workload workload, String sql) {
    return MigrationTrace.builder().source(new MigrationSource.SqlScripts(List.of(Script.of("V1__change.sql", sql))))
        .on(clones).slowStatement(Duration.ofMillis(500)).load(workload).build().run();
  }
}
