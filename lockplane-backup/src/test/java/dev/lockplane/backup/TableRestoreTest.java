package dev.lockplane.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lockplane.ErrorCode;
import dev.lockplane.LockplaneException;
import dev.lockplane.postgres.LocalPostgres;
import dev.lockplane.testing.SharedPostgres;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TableRestore on real PostgreSQL databases (a "backup" copy and a live one on the shared server): rows
 * written since, a merge in the current schema (a renamed column, a new column's default), and a
 * conflict reported row by row with nothing merged. And the migration state every backup records.
 */
class TableRestoreTest {
  final LocalPostgres pg = SharedPostgres.get();
  final String suffix = Long.toHexString(System.nanoTime());
  final String before = "tr_backup_" + suffix;
  final String live = "tr_live_" + suffix;
  @TempDir Path tmp;

  @BeforeEach
  void databases() throws Exception {
    try (Connection c = pg.connect("postgres"); Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + before);
      s.execute("CREATE DATABASE " + live);
    }
    exec(before, "CREATE TABLE orders (id int PRIMARY KEY, item text NOT NULL, rebate int)",
        "INSERT INTO orders SELECT i, 'item' || i, i * 10 FROM generate_series(1, 6) i");
    // since the backup: rebate renamed to discount (its values lost by a lossy step), a column added,
    // a row inserted, one updated, one deleted
    exec(live, "CREATE TABLE orders (id int PRIMARY KEY, item text NOT NULL, discount int, channel text NOT NULL DEFAULT 'web')",
        "INSERT INTO orders (id, item) SELECT i, 'item' || i FROM generate_series(1, 6) i",
        "INSERT INTO orders (id, item) VALUES (7, 'item7')", "UPDATE orders SET item = 'changed' WHERE id = 2",
        "DELETE FROM orders WHERE id = 3");
  }

  @AfterEach
  void drop() throws Exception {
    try (Connection c = pg.connect("postgres"); Statement s = c.createStatement()) {
      s.execute("DROP DATABASE IF EXISTS " + before + " WITH (FORCE)");
      s.execute("DROP DATABASE IF EXISTS " + live + " WITH (FORCE)");
    }
  }

  private void exec(String db, String... sql) throws Exception {
    try (Connection c = pg.connect(db); Statement s = c.createStatement()) {
      for (String q : sql) {
        s.execute(q);
      }
    }
  }

  private Map<Integer, Object> discounts() throws Exception {
    Map<Integer, Object> out = new TreeMap<>();
    try (Connection c = pg.connect(live); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT id, discount FROM orders")) {
      while (rs.next()) {
        out.put(rs.getInt(1), rs.getObject(2));
      }
    }
    return out;
  }

  private static TableRestore.Restore discount() {
    return new TableRestore.Restore("public.orders", List.of("discount"), Map.of("discount", "rebate"));
  }

  @Test
  void countsRowsWrittenSinceAndMergesRenamedColumnsInTheCurrentSchema() throws Exception {
    try (Connection b = pg.connect(before); Connection l = pg.connect(live)) {
      assertThat(TableRestore.writtenSince(b, l)).containsExactly(new TableRestore.Written("public.orders", 1, 1, 1));
      List<TableRestore.Merged> merged = TableRestore.merge(b, l, List.of(discount()));
      assertThat(merged).containsExactly(new TableRestore.Merged("public.orders", 0, 5, 1, 1));
      assertThat(l.getAutoCommit()).isTrue();
    }
    assertThat(discounts()).containsEntry(1, 10).containsEntry(2, 20).containsEntry(6, 60).containsEntry(7, null)
        .doesNotContainKey(3);
  }

  /**
   * A column whose type the migration changed (numeric(10,2) to integer, rounding): compared after the
   * same conversion, only the row really written since counts; compared as they are, every rounded
   * row would. A conversion the backup's server cannot make leaves the column out.
   */
  @Test
  void aTypeChangeIsComparedAfterTheSameConversion() throws Exception {
    exec(before, "CREATE TABLE prices (id int PRIMARY KEY, price numeric(10,2))",
        "INSERT INTO prices VALUES (1, 1.5), (2, 2.25), (3, 3), (4, NULL)");
    exec(live, "CREATE TABLE prices (id int PRIMARY KEY, price integer)",
        "INSERT INTO prices VALUES (1, 2), (2, 2), (3, 3), (4, NULL)", "UPDATE prices SET price = 7 WHERE id = 3");
    try (Connection b = pg.connect(before); Connection l = pg.connect(live)) {
      assertThat(TableRestore.writtenSince(b, l)).contains(new TableRestore.Written("public.prices", 0, 3, 0));
      assertThat(TableRestore.writtenSince(b, l, Map.of("public.prices", Map.of("price", "integer"))))
          .contains(new TableRestore.Written("public.prices", 0, 1, 0));
      assertThat(TableRestore.writtenSince(b, l, Map.of("public.prices", Map.of("price", "no_such_type"))))
          .noneMatch(w -> w.table().equals("public.prices"));
    }
  }

  @Test
  void aConflictIsReportedRowByRowAndNothingIsMerged() throws Exception {
    exec(live, "UPDATE orders SET discount = 99 WHERE id = 4", "UPDATE orders SET discount = 7 WHERE id = 5");
    try (Connection b = pg.connect(before); Connection l = pg.connect(live)) {
      assertThatThrownBy(() -> TableRestore.merge(b, l, List.of(discount())))
          .isInstanceOfSatisfying(LockplaneException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.MERGE_CONFLICT))
          .hasMessageContaining("Nothing was merged: 2 rows")
          .hasMessageContaining("public.orders (id) = 4: discount is 99 in the live database, 40 in the backup")
          .hasMessageContaining("public.orders (id) = 5: discount is 7 in the live database, 50 in the backup");
    }
    assertThat(discounts()).containsEntry(1, null).containsEntry(4, 99).containsEntry(5, 7);
  }

  @Test
  void everyBackupRecordsTheLastMigrationAndIsPlacedAgainstTheLiveDatabase() throws Exception {
    Path file = tmp.resolve("app.db");
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement s = c.createStatement()) {
      // the history table as the planner writes it (only the columns read here matter)
      s.execute("CREATE TABLE lockplane_history (id INTEGER PRIMARY KEY, outcome TEXT NOT NULL, result_hash TEXT)");
      s.execute("INSERT INTO lockplane_history VALUES (1, 'applied', 'sha256:a'), (2, 'failed', NULL), "
          + "(3, 'applied', 'sha256:b')");
    }
    BackupRepository repo = BackupRepository.at(tmp.resolve("repo")).unencrypted().open();
    Backup b = repo.backup().sqlite(file).schemaHash("sha256:b").run();
    BackupSchemaState st = repo.schemaState(b.id(), "main").orElseThrow();
    assertThat(st).isEqualTo(new BackupSchemaState(b.id(), "main", 3, "sha256:b", 2, "sha256:b"));
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement s = c.createStatement()) {
      assertThat(st.describeAgainst(c)).isEqualTo("at the live database's last migration (backup at migration #3, "
          + "live at migration #3)");
      s.execute("INSERT INTO lockplane_history VALUES (4, 'applied', 'sha256:c'), (5, 'applied', 'sha256:d'), "
          + "(6, 'interrupted', NULL), (7, 'applied', 'sha256:e')");
      assertThat(st.describeAgainst(c)).isEqualTo("3 migrations behind the live database (backup at migration #3, "
          + "live at migration #7)");
    }
    Backup fresh = repo.backup().sqlite(tmp.resolve("app.db")).run();
    assertThat(repo.schemaState(fresh.id(), "main")).hasValueSatisfying(s -> {
      assertThat(s.lastMigration()).isEqualTo(7);
      assertThat(s.schemaHash()).isNull();
    });
    assertThat(repo.schemaState(fresh.id(), "other")).isEmpty();
  }
}
