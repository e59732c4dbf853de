package dev.lockplane.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lockplane.backup.Keyset;
import dev.lockplane.cli.MainTest.Result;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * apply --backup-to and rollback --via-backup on real SQLite files: a lossy migration (a dropped
 * column) with writes in between, rolled back through the backup both ways (tables, clone), the
 * schema-compatibility message of backup show, and the refusals.
 */
class RollbackViaBackupCommandTest {
  /** The keyset's key material, which no output may show. */
  String secret;

  @TempDir Path tmp;
  Path db;
  Path repo;
  Path v2;
  Map<String, String> env;

  @BeforeEach
  void files() throws Exception {
    db = tmp.resolve("shop.db");
    repo = tmp.resolve("repo");
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE orders (id INTEGER PRIMARY KEY, item TEXT NOT NULL, discount INTEGER)");
      for (int i = 1; i <= 40; i++) {
        s.execute("INSERT INTO orders VALUES (" + i + ", 'item" + i + "', " + (i % 2 == 0 ? String.valueOf(i) : "NULL") + ")");
      }
    }
    v2 = tmp.resolve("v2.sql");
    Files.writeString(v2, "CREATE TABLE orders (id INTEGER PRIMARY KEY, item TEXT NOT NULL);\n");
    env = new HashMap<>();
    // a cleartext keyset in a variable: the key material itself is the secret to keep out of the output
    String keyset = Keyset.generate().toJson(null);
    secret = new com.fasterxml.jackson.databind.ObjectMapper().readTree(keyset).findValue("value").asText();
    assertThat(secret).hasSizeGreaterThan(20);
    env.put("SHOP_KEYSET", keyset);
  }

  private Result run(String... args) {
    return MainTest.run(env, args);
  }

  private String[] keys() {
    return new String[] {"--keyset-env", "SHOP_KEYSET"};
  }

  private Result rollback(String... extra) {
    String[] base = {"rollback", "--url", "jdbc:sqlite:" + db, "--repo", repo.toString(), "--keyset-env", "SHOP_KEYSET"};
    String[] args = new String[base.length + extra.length];
    System.arraycopy(base, 0, args, 0, base.length);
    System.arraycopy(extra, 0, args, base.length, extra.length);
    return run(args);
  }

  /** Applies the lossy migration with a backup first and returns the backup id. */
  private String applyLossy() throws Exception {
    Result r = run("apply", "--url", "jdbc:sqlite:" + db, "--schema", v2.toString(), "--auto-approve", "--allow-data-loss",
        "--backup-to", repo.toString(), "--backup-keyset-env", "SHOP_KEYSET", "--format", "json");
    assertThat(r.code()).as(r.err()).isZero();
    JsonNode json = JsonAssertions.sortedJson(r.out());
    String backupId = json.get("backupId").asText();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT backup_id FROM lockplane_history WHERE id = " + json.get("historyId").asLong())) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getString(1)).isEqualTo(backupId);
    }
    return backupId;
  }

  /** Writes after the migration: 3 rows inserted, 1 updated, 1 deleted. */
  private void writeSince() throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement()) {
      s.execute("INSERT INTO orders (id, item) VALUES (41, 'new41'), (42, 'new42'), (43, 'new43')");
      s.execute("UPDATE orders SET item = 'renamed2' WHERE id = 2");
      s.execute("DELETE FROM orders WHERE id = 4");
    }
  }

  private static Map<Integer, Object> discounts(Path file) throws Exception {
    Map<Integer, Object> out = new TreeMap<>();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT id, discount FROM orders")) {
      while (rs.next()) {
        out.put(rs.getInt(1), rs.getObject(2));
      }
    }
    return out;
  }

  @Test
  void safePlansTakeNoBackupUnlessAlways() throws Exception {
    Path v1b = tmp.resolve("v1b.sql");
    Files.writeString(v1b, "CREATE TABLE orders (id INTEGER PRIMARY KEY, item TEXT NOT NULL, discount INTEGER);\n"
        + "CREATE TABLE notes (id INTEGER PRIMARY KEY);\n");
    Result risky = run("apply", "--url", "jdbc:sqlite:" + db, "--schema", v1b.toString(), "--auto-approve",
        "--backup-to", repo.toString(), "--backup-unencrypted", "--format", "json");
    assertThat(risky.code()).as(risky.err()).isZero();
    assertThat(JsonAssertions.sortedJson(risky.out()).has("backupId")).as("a safe plan under risky").isFalse();

    Files.writeString(v1b, Files.readString(v1b) + "CREATE TABLE tags (id INTEGER PRIMARY KEY);\n");
    Result always = run("apply", "--url", "jdbc:sqlite:" + db, "--schema", v1b.toString(), "--auto-approve",
        "--backup-to", repo.toString(), "--backup-unencrypted", "--backup-first", "always");
    assertThat(always.code()).as(always.err()).isZero();
    assertThat(always.out()).contains("Backed up first: backup ");
    Result history = run("history", "--url", "jdbc:sqlite:" + db);
    assertThat(history.out()).contains("backup ");
  }

  @Test
  void rollbackThroughTheBackupComparesThenRestoresACloneAndTheTables() throws Exception {
    String backupId = applyLossy();
    writeSince();

    Result show = run("backup", "show", backupId, "--repo", repo.toString(), keys()[0], keys()[1],
        "--url", "jdbc:sqlite:" + db);
    assertThat(show.code()).as(show.err()).isZero();
    assertThat(show.out()).contains("schema:    main: no migration applied, schema sha256:",
        "live:      1 migration behind the live database (backup at no migration, live at migration #1)");

    Result compare = rollback("--via-backup");
    assertThat(compare.code()).as(compare.err()).isZero();
    assertThat(compare.out()).contains("SQL rollback loses the 20 values of orders.discount",
        "Restoring backup " + backupId + " loses 5 rows written since to 1 table:",
        "orders: 3 inserted, 1 updated, 1 deleted", "Nothing changed.");

    Path copy = tmp.resolve("inspect.db");
    Result clone = rollback("--via-backup", backupId, "--restore", "clone", "--clone-to", copy.toString());
    assertThat(clone.code()).as(clone.err()).isZero();
    assertThat(clone.out()).contains("Connect: jdbc:sqlite:" + copy.toAbsolutePath());
    assertThat(discounts(copy)).hasSize(40).containsEntry(4, 4).containsEntry(40, 40);

    Result noTerminal = rollback("--via-backup", "--restore", "tables");
    assertThat(noTerminal.code()).isNotZero();
    assertThat(noTerminal.err()).contains("pass --yes");

    Result tables = rollback("--via-backup", "--restore", "tables", "--yes");
    assertThat(tables.code()).as(tables.err()).isZero();
    assertThat(tables.out()).contains("Rolled back the schema",
        "Merged orders: 0 rows inserted, 19 values restored; 1 rows deleted since and 3 inserted since left as they are");
    Map<Integer, Object> now = discounts(db);
    assertThat(now).hasSize(42).containsEntry(2, 2).containsEntry(40, 40).containsEntry(3, null).containsEntry(41, null)
        .doesNotContainKey(4);
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT item FROM orders WHERE id = 2")) {
      rs.next();
      assertThat(rs.getString(1)).as("a write since the migration is kept").isEqualTo("renamed2");
    }
    for (Result r : new Result[] {show, compare, clone, noTerminal, tables}) {
      assertThat(r.out() + r.err()).doesNotContain(secret);
    }
  }

  @Test
  void refusesABackupTakenAfterTheMigrationOrOfAnotherDatabase() throws Exception {
    applyLossy();
    Result after = run("backup", "create", "--repo", repo.toString(), keys()[0], keys()[1],
        "--sqlite", db.toString());
    assertThat(after.code()).as(after.err()).isZero();
    Result refused = rollback("--via-backup", after.out().trim(), "--restore", "in-place", "--yes");
    assertThat(refused.code()).isNotZero();
    assertThat(refused.err()).contains("Refusing to roll back migration #1 through backup " + after.out().trim(),
        "taken after the migration (it is at migration #1)");

    Path other = tmp.resolve("other.db");
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + other)) {
      c.createStatement().execute("CREATE TABLE orders (id INTEGER PRIMARY KEY, item TEXT NOT NULL, discount INTEGER)");
    }
    Result foreign = run("backup", "create", "--repo", repo.toString(), keys()[0], keys()[1],
        "--sqlite", other.toString());
    Result refusedForeign = rollback("--via-backup", foreign.out().trim(), "--restore", "in-place", "--yes");
    assertThat(refusedForeign.code()).isNotZero();
    assertThat(refusedForeign.err()).contains("does not match this database: it is a backup of " + other);
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT count(*) FROM pragma_table_info('orders') WHERE name = 'discount'")) {
      rs.next();
      assertThat(rs.getInt(1)).as("nothing was restored: the column is still dropped").isZero();
    }
  }
}
