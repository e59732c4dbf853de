package dev.lockplane.safety;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lockplane.ErrorCode;
import dev.lockplane.LockplaneException;
import dev.lockplane.plan.LockMode;
import dev.lockplane.plan.RiskClass;
import dev.lockplane.testing.SharedPostgres;
import java.sql.Connection;
import java.sql.Statement;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The catalogue's structure, version awareness, estimates and assessments. */
class LockCatalogueTest {
  @Test
  void everyKindHasAnEntryWithAUniqueRuleId() {
    LockCatalogue c = LockCatalogue.forVersion(18);
    Set<String> ids = new HashSet<>();
    for (DdlKind k : DdlKind.values()) {
      CatalogueEntry e = c.entry(k);
      assertThat(ids.add(e.ruleId())).as("rule id %s is unique", e.ruleId()).isTrue();
      assertThat(e.ruleId()).matches("[a-z][a-z-]*[a-z]");
      if (e.risk() != RiskClass.SAFE) {
        assertThat(e.message()).isNotBlank();
      }
    }
  }

  @Test
  void versionsDiffer() {
    assertThat(LockCatalogue.forVersion(18).supports(DdlKind.ADD_COLUMN_VIRTUAL_GENERATED)).isTrue();
    assertThat(LockCatalogue.forVersion(15).supports(DdlKind.ADD_COLUMN_VIRTUAL_GENERATED)).isFalse();
    assertThat(LockCatalogue.forVersion(13).supports(DdlKind.DETACH_PARTITION_CONCURRENTLY)).isFalse();
    assertThat(LockCatalogue.forVersion(14).supports(DdlKind.DETACH_PARTITION_CONCURRENTLY)).isTrue();
    assertThatThrownBy(() -> LockCatalogue.forVersion(13).entry(DdlKind.DETACH_PARTITION_CONCURRENTLY))
        .isInstanceOfSatisfying(LockplaneException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.UNSUPPORTED))
        .hasMessageContaining("needs PostgreSQL 14");
    assertThatThrownBy(() -> LockCatalogue.forVersion(12)).hasMessageContaining("13 and later");
  }

  @Test
  void lockModesFollowTheConflictTable() {
    assertThat(LockMode.ACCESS_EXCLUSIVE.blocksReads()).isTrue();
    assertThat(LockMode.EXCLUSIVE.blocksReads()).isFalse();
    assertThat(LockMode.SHARE.blocksWrites()).isTrue();
    assertThat(LockMode.SHARE_UPDATE_EXCLUSIVE.blocksWrites()).isFalse();
    assertThat(LockMode.SHARE_UPDATE_EXCLUSIVE.conflictsWith(LockMode.SHARE_UPDATE_EXCLUSIVE)).isTrue();
    assertThat(LockMode.SHARE.conflictsWith(LockMode.SHARE)).isFalse();
    for (LockMode a : LockMode.values()) {
      for (LockMode b : LockMode.values()) {
        assertThat(a.conflictsWith(b)).as("%s vs %s is symmetric", a, b).isEqualTo(b.conflictsWith(a));
      }
    }
    assertThat(LockMode.parse("ShareRowExclusiveLock")).isEqualTo(LockMode.SHARE_ROW_EXCLUSIVE);
    assertThat(LockMode.parse("share row exclusive")).isEqualTo(LockMode.SHARE_ROW_EXCLUSIVE);
  }

  @Test
  void estimatesComeFromTheTargetsStatistics() throws Exception {
    String db = "stats_" + Long.toHexString(System.nanoTime());
    try (Connection admin = SharedPostgres.get().connect("postgres"); Statement a = admin.createStatement()) {
      a.execute("CREATE DATABASE " + db);
      try (Connection c = SharedPostgres.get().connect(db); Statement s = c.createStatement()) {
        s.execute("CREATE TABLE orders (id bigint, amount int)");
        s.execute("INSERT INTO orders SELECT g, g FROM generate_series(1, 120000) g");
        s.execute("VACUUM ANALYZE orders");
        TableStatistics stats = TableStatistics.read(c, "orders");
        assertThat(stats.rows()).isEqualTo(120_000);
        assertThat(stats.bytes()).isGreaterThan(4L << 20);
        CatalogueEntry rewrite = LockCatalogue.forVersion(18).entry(DdlKind.ALTER_COLUMN_TYPE_REWRITE);
        assertThat(stats.describe(rewrite)).matches("rewrites `orders` \\(≈ 120 k rows, [0-9.]+ MB\\) under ACCESS EXCLUSIVE");

        Assessment strict = Assessment.of(LockCatalogue.forVersion(18), DdlKind.ALTER_COLUMN_TYPE_REWRITE, stats,
            SafetyLevel.STRICT);
        assertThat(strict.allowed()).isFalse();
        assertThat(strict.findings()).singleElement().satisfies(f -> {
          assertThat(f.ruleId()).isEqualTo("alter-column-type-rewrite");
          assertThat(f.message()).startsWith("rewrites `orders` (≈ 120 k rows");
          assertThat(f.saferAlternative()).contains("expand/contract");
        });
        assertThat(Assessment.of(LockCatalogue.forVersion(18), DdlKind.ALTER_COLUMN_TYPE_REWRITE, stats,
            SafetyLevel.MODERATE).allowed()).isTrue();
        assertThat(Assessment.of(LockCatalogue.forVersion(18), DdlKind.CREATE_INDEX_CONCURRENTLY, stats,
            SafetyLevel.STRICT).findings()).isEmpty();
        assertThatThrownBy(() -> TableStatistics.read(c, "missing"))
            .isInstanceOfSatisfying(LockplaneException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND));
      } finally {
        a.execute("DROP DATABASE IF EXISTS " + db + " WITH (FORCE)");
      }
    }
  }
}
