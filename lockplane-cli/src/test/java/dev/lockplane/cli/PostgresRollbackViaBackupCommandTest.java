package dev.lockplane.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lockplane.backup.BackupRepository;
import dev.lockplane.cli.MainTest.Result;
import dev.lockplane.testing.ProductionServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * apply --backup-to and rollback --via-backup on a PostgreSQL server reached over TCP by a role that
 * owns the database and has REPLICATION and CREATEDB: a lossy migration (a dropped column) with writes
 * in between, rolled back through the physical backup taken first — compared (text and JSON), restored
 * beside as a new database, merged table by table, replaced in place — and backups that do not match
 * the database (including one of a database of the same name on another server) refused with the reason.
 */
class PostgresRollbackViaBackupCommandTest {
  static ProductionServer prod;
  static final Map<String, String> ENV = Map.of("PGPASSWORD", ProductionServer.PASSWORD);

  @TempDir Path tmp;

  @BeforeAll
  static void server() {
    prod = ProductionServer.start();
    prod.exec("postgres", "ALTER ROLE " + ProductionServer.REPLICATOR + " CREATEDB");
  }

  @AfterAll
  static void stop() {
    if (prod != null) {
      prod.close();
    }
  }

  private static String url(String db) {
    return url(prod, db);
  }

  private static String url(ProductionServer server, String db) {
    return "postgres://" + ProductionServer.REPLICATOR + "@" + server.server().host() + ":" + server.server().port()
        + "/" + db;
  }

  private static Connection connect(String db) throws Exception {
    return connect(prod, db);
  }

  private static Connection connect(ProductionServer server, String db) throws Exception {
    return DriverManager.getConnection("jdbc:postgresql://" + server.server().host() + ":" + server.server().port()
        + "/" + db, ProductionServer.REPLICATOR, ProductionServer.PASSWORD);
  }

  private String shop(String name) throws Exception {
    return shop(prod, name);
  }

  /** A database owned by the migrating role: orders with 40 rows, every second one with a discount. */
  private String shop(ProductionServer server, String name) throws Exception {
    server.exec("postgres", "CREATE DATABASE " + name + " OWNER " + ProductionServer.REPLICATOR);
    try (Connection c = connect(server, name); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE orders (id int PRIMARY KEY, item text NOT NULL, discount int)");
      s.execute("INSERT INTO orders SELECT i, 'item' || i, CASE WHEN i % 2 = 0 THEN i END FROM generate_series(1, 40) i");
    }
    return name;
  }

  private String applyLossy(String db, Path repo) throws Exception {
    return applyLossy(prod, db, repo);
  }

  /** Drops the discount column with a physical backup first; returns the backup id. */
  private String applyLossy(ProductionServer server, String db, Path repo) throws Exception {
    Path v2 = tmp.resolve("v2.sql");
    Files.writeString(v2, "CREATE TABLE orders (id int PRIMARY KEY, item text NOT NULL);\n");
    Result r = MainTest.run(ENV, "apply", "--url", url(server, db), "--schema", v2.toString(), "--auto-approve",
        "--allow-data-loss", "--backup-to", repo.toString(), "--backup-unencrypted", "--format", "json");
    assertThat(r.code()).as(r.err()).isZero();
    JsonNode json = JsonAssertions.sortedJson(r.out());
    String backupId = json.get("backupId").asText();
    try (Connection c = connect(server, db); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT backup_id FROM lockplane.history WHERE id = " + json.get("historyId").asLong())) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getString(1)).isEqualTo(backupId);
    }
    return backupId;
  }

  /** Writes after the migration: 3 rows inserted, 1 updated, 1 deleted. */
  private static void writeSince(String db) throws Exception {
    try (Connection c = connect(db); Statement s = c.createStatement()) {
      s.execute("INSERT INTO orders (id, item) VALUES (41, 'new41'), (42, 'new42'), (43, 'new43')");
      s.execute("UPDATE orders SET item = 'renamed2' WHERE id = 2");
      s.execute("DELETE FROM orders WHERE id = 4");
    }
  }

  private static Result rollback(String db, Path repo, String... extra) {
    List<String> args = new ArrayList<>(List.of("rollback", "--url", url(db), "--repo", repo.toString(), "--unencrypted"));
    args.addAll(List.of(extra));
    return MainTest.run(ENV, args.toArray(String[]::new));
  }

  private static Map<Integer, Object> discounts(String db) throws Exception {
    Map<Integer, Object> out = new TreeMap<>();
    try (Connection c = connect(db); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT id, discount FROM orders")) {
      while (rs.next()) {
        out.put(rs.getInt(1), rs.getObject(2));
      }
    }
    return out;
  }

  private static List<String> databases() throws Exception {
    List<String> out = new ArrayList<>();
    try (Connection c = connect("postgres"); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT datname FROM pg_database ORDER BY 1")) {
      while (rs.next()) {
        out.add(rs.getString(1));
      }
    }
    return out;
  }

  @Test
  void comparesThenRestoresBesideAndMergesTheTables() throws Exception {
    String db = shop("shop_tables");
    Path repo = tmp.resolve("repo");
    String backupId = applyLossy(db, repo);
    writeSince(db);

    // the comparison comes first, then the backup's database restored beside the live one
    Result clone = rollback(db, repo, "--via-backup", "--restore", "clone", "--clone-to", "shop_inspect");
    assertThat(clone.code()).as(clone.err()).isZero();
    assertThat(clone.out()).contains("physical backup " + backupId,
        "SQL rollback loses the 20 values of public.orders.discount; it keeps every row written since.",
        "Restoring backup " + backupId + " loses 5 rows written since to 1 table:",
        "public.orders: 3 inserted, 1 updated, 1 deleted",
        "as database shop_inspect; the live database is unchanged",
        "Connect: jdbc:postgresql://" + prod.server().host() + ":" + prod.server().port() + "/shop_inspect");
    assertThat(discounts("shop_inspect")).as("the pre-migration state").hasSize(40).containsEntry(4, 4)
        .containsEntry(40, 40).containsEntry(3, null);
    try (Connection c = connect(db); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT count(*) FROM information_schema.columns WHERE column_name = 'discount'")) {
      rs.next();
      assertThat(rs.getInt(1)).as("the live database is unchanged").isZero();
    }

    Result noTerminal = rollback(db, repo, "--via-backup", "--restore", "tables");
    assertThat(noTerminal.code()).isNotZero();
    assertThat(noTerminal.err()).contains("pass --yes");

    Result tables = rollback(db, repo, "--via-backup", "--restore", "tables", "--yes", "--format", "json");
    assertThat(tables.code()).as(tables.err()).isZero();
    JsonNode report = JsonAssertions.sortedJson(tables.out());
    assertThat(report.at("/backup/id").asText()).isEqualTo(backupId);
    assertThat(report.at("/backup/kind").asText()).isEqualTo("physical");
    assertThat(report.at("/sqlRollbackLoses/0/table").asText()).isEqualTo("public.orders");
    assertThat(report.at("/sqlRollbackLoses/0/column").asText()).isEqualTo("discount");
    assertThat(report.at("/sqlRollbackLoses/0/values").asLong()).isEqualTo(20);
    assertThat(report.at("/restoreLoses/rows").asLong()).isEqualTo(5);
    assertThat(report.at("/restoreLoses/tables/0/inserted").asLong()).isEqualTo(3);
    assertThat(report.get("restored").asText()).isEqualTo("tables");
    assertThat(report.at("/merged/0/valuesRestored").asLong()).isEqualTo(19);
    assertThat(report.at("/merged/0/rowsInsertedSince").asLong()).isEqualTo(3);
    assertThat(discounts(db)).hasSize(42).containsEntry(2, 2).containsEntry(40, 40).containsEntry(3, null)
        .containsEntry(41, null).doesNotContainKey(4);
    try (Connection c = connect(db); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT item FROM orders WHERE id = 2")) {
      rs.next();
      assertThat(rs.getString(1)).as("a write since the migration is kept").isEqualTo("renamed2");
    }
    for (Result r : new Result[] {clone, noTerminal, tables}) {
      assertThat(r.out() + r.err()).doesNotContain(ProductionServer.PASSWORD);
    }
  }

  @Test
  void replacesTheDatabaseInPlaceKeepingTheReplacedOne() throws Exception {
    String db = shop("shop_inplace");
    Path repo = tmp.resolve("repo");
    String backupId = applyLossy(db, repo);
    writeSince(db);

    Result refused = rollback(db, repo, "--via-backup", "--restore", "in-place");
    assertThat(refused.code()).isNotZero();
    assertThat(refused.err()).contains("asks before it changes database " + db, "pass --yes");

    Result inPlace = rollback(db, repo, "--via-backup", "--restore", "in-place", "--yes");
    assertThat(inPlace.code()).as(inPlace.err()).isZero();
    assertThat(inPlace.out()).contains("Restored backup " + backupId + " in place of database " + db,
        "The replaced database is kept as " + db + "_replaced_");
    assertThat(discounts(db)).hasSize(40).containsEntry(4, 4).containsEntry(40, 40).doesNotContainKey(41);
    assertThat(databases()).anyMatch(d -> d.startsWith(db + "_replaced_")).noneMatch(d -> d.contains("_restoring_"));
    String replaced = databases().stream().filter(d -> d.startsWith(db + "_replaced_")).findFirst().orElseThrow();
    try (Connection c = connect(replaced); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT count(*) FROM orders WHERE id > 40")) {
      rs.next();
      assertThat(rs.getInt(1)).as("the replaced database still holds the writes since").isEqualTo(3);
    }
  }

  @Test
  void refusesABackupThatDoesNotMatchTheDatabase() throws Exception {
    String db = shop("shop_mismatch");
    Path repo = tmp.resolve("repo");
    applyLossy(db, repo);

    Result after = MainTest.run(ENV, "backup", "create", "--repo", repo.toString(), "--unencrypted", "--physical",
        "--url", url(db));
    assertThat(after.code()).as(after.err()).isZero();
    Result refusedAfter = rollback(db, repo, "--via-backup", after.out().trim(), "--restore", "in-place", "--yes");
    assertThat(refusedAfter.code()).isNotZero();
    assertThat(refusedAfter.err()).contains("Refusing to roll back migration #1 through backup " + after.out().trim(),
        "taken after the migration (it is at migration #1)");

    // a backup of another database of the same server
    prod.exec("postgres", "CREATE DATABASE other_shop OWNER " + ProductionServer.REPLICATOR);
    String foreignId;
    try (BackupRepository r = BackupRepository.at(repo).unencrypted().open()) {
      foreignId = r.backup().logical(prod.server(), "other_shop").run().id();
    } finally {
      prod.exec("postgres", "DROP DATABASE other_shop");
    }
    Result refusedForeign = rollback(db, repo, "--via-backup", foreignId, "--restore", "in-place", "--yes");
    assertThat(refusedForeign.code()).isNotZero();
    assertThat(refusedForeign.err()).contains("Refusing to roll back migration #1 through backup " + foreignId,
        "it does not match this database: it holds database other_shop, not " + db + ".");

    Path sqlite = tmp.resolve("app.db");
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + sqlite)) {
      c.createStatement().execute("CREATE TABLE t (id INTEGER PRIMARY KEY)");
    }
    Result sqliteBackup = MainTest.run("backup", "create", "--repo", repo.toString(), "--unencrypted", "--sqlite",
        sqlite.toString());
    Result refusedSqlite = rollback(db, repo, "--via-backup", sqliteBackup.out().trim());
    assertThat(refusedSqlite.code()).isNotZero();
    assertThat(refusedSqlite.err()).contains("it is a backup of an SQLite database");
    try (Connection c = connect(db); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT count(*) FROM information_schema.columns WHERE column_name = 'discount'")) {
      rs.next();
      assertThat(rs.getInt(1)).as("nothing was restored: the column is still dropped").isZero();
    }
    assertThat(databases()).noneMatch(d -> d.startsWith(db + "_"));
  }

  /**
   * A migration that drops one column and changes another's type from numeric(10,2) to integer,
   * rounding half of its values: the comparison lists the rounded values as lost by the SQL rollback
   * (and not as written since, which only the row inserted after the migration is),
   * and merging the tables brings back the dropped column's values while the rounded ones stay as the
   * SQL rollback converts them back (merging them would conflict with that conversion).
   */
  @Test
  void countsTheValuesATypeChangeAlteredAsLostBySqlRollback() throws Exception {
    String db = "shop_types";
    prod.exec("postgres", "CREATE DATABASE " + db + " OWNER " + ProductionServer.REPLICATOR);
    try (Connection c = connect(db); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE orders (id int PRIMARY KEY, item text NOT NULL, discount int, price numeric(10,2))");
      s.execute("INSERT INTO orders SELECT i, 'item' || i, CASE WHEN i % 2 = 0 THEN i END,"
          + " CASE WHEN i % 2 = 1 THEN i + 0.5 ELSE i END FROM generate_series(1, 40) i");
    }
    Path repo = tmp.resolve("repo");
    Path v2 = tmp.resolve("v2-types.sql");
    Files.writeString(v2, "CREATE TABLE orders (id int PRIMARY KEY, item text NOT NULL, price integer);\n");
    Result applied = MainTest.run(ENV, "apply", "--url", url(db), "--schema", v2.toString(), "--auto-approve",
        "--allow-data-loss", "--backup-to", repo.toString(), "--backup-unencrypted", "--format", "json");
    assertThat(applied.code()).as(applied.err()).isZero();
    try (Connection c = connect(db); Statement s = c.createStatement()) {
      s.execute("INSERT INTO orders (id, item, price) VALUES (41, 'new41', 41)");
    }

    Result compared = rollback(db, repo, "--via-backup", "--format", "json");
    assertThat(compared.code()).as(compared.err()).isZero();
    JsonNode report = JsonAssertions.sortedJson(compared.out());
    assertThat(report.get("sqlRollbackLoses")).hasSize(2);
    assertThat(report.at("/sqlRollbackLoses/0/column").asText()).isEqualTo("discount");
    assertThat(report.at("/sqlRollbackLoses/0/values").asLong()).isEqualTo(20);
    assertThat(report.at("/sqlRollbackLoses/0/typeChange").isMissingNode()).isTrue();
    assertThat(report.at("/sqlRollbackLoses/1/table").asText()).isEqualTo("public.orders");
    assertThat(report.at("/sqlRollbackLoses/1/column").asText()).isEqualTo("price");
    assertThat(report.at("/sqlRollbackLoses/1/values").asLong()).as("the odd ids' x.50 prices").isEqualTo(20);
    assertThat(report.at("/sqlRollbackLoses/1/typeChange").asText()).isEqualTo("numeric(10,2) → integer");
    // the prices the migration rounded were not written since: compared after the same conversion, only
    // the row inserted since counts
    assertThat(report.at("/restoreLoses/rows").asLong()).isEqualTo(1);
    assertThat(report.at("/restoreLoses/tables/0/inserted").asLong()).isEqualTo(1);
    assertThat(report.at("/restoreLoses/tables/0/updated").asLong()).isZero();

    Result tables = rollback(db, repo, "--via-backup", "--restore", "tables", "--yes");
    assertThat(tables.code()).as(tables.err()).isZero();
    assertThat(tables.out()).contains("SQL rollback loses the 20 values of public.orders.discount, the 20 values of "
            + "public.orders.price its type change (numeric(10,2) → integer) altered; it keeps every row written since.",
        "the SQL rollback, then the 20 values of public.orders.discount back from the backup; loses nothing written "
            + "since. Values a type change altered stay as the SQL rollback converts them back");
    Map<Integer, Object> prices = new TreeMap<>();
    try (Connection c = connect(db); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT id, price FROM orders")) {
      while (rs.next()) {
        prices.put(rs.getInt(1), rs.getBigDecimal(2));
      }
    }
    assertThat(prices).hasSize(41).containsEntry(1, new java.math.BigDecimal("2.00"))
        .containsEntry(2, new java.math.BigDecimal("2.00")).containsEntry(41, new java.math.BigDecimal("41.00"));
    assertThat(discounts(db)).containsEntry(2, 2).containsEntry(40, 40).containsEntry(1, null).containsEntry(41, null);
  }

  /**
   * Two embedded servers, each cluster with its own system identifier, and a database of the same
   * name on each: a backup taken on one is refused for the other, naming both servers.
   */
  @Test
  void refusesABackupOfAnotherServerWithADatabaseOfTheSameName() throws Exception {
    try (ProductionServer other = ProductionServer.start()) {
      other.exec("postgres", "ALTER ROLE " + ProductionServer.REPLICATOR + " CREATEDB");
      String db = "shop_twin";
      shop(prod, db);
      shop(other, db);
      Path repo = tmp.resolve("repo");
      String prodBackup = applyLossy(prod, db, repo);
      applyLossy(other, db, repo);
      String prodId = systemIdentifier(prod);
      String otherId = systemIdentifier(other);
      assertThat(prodId).isNotEqualTo(otherId);

      List<String> args = List.of("rollback", "--url", url(other, db), "--repo", repo.toString(), "--unencrypted",
          "--via-backup", prodBackup, "--restore", "in-place", "--yes");
      Result refused = MainTest.run(ENV, args.toArray(String[]::new));
      Result inputRefusal = rollback(db, repo, "--via-backup", "--restore", "in-place");
      assertThat(refused.code()).as(refused.err()).isNotZero().isEqualTo(inputRefusal.code());
      assertThat(refused.err()).contains(
          "Refusing to roll back migration #1 through backup " + prodBackup,
          "it is a backup of the server with system identifier " + prodId,
          "is on the server " + otherId,
          "Name a backup taken from that server");
      assertThat(refused.out() + refused.err()).doesNotContain(ProductionServer.PASSWORD);
      try (Connection c = connect(other, db); Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT count(*) FROM information_schema.columns WHERE column_name = 'discount'")) {
        rs.next();
        assertThat(rs.getInt(1)).as("nothing was restored: the column is still dropped").isZero();
      }
    }
  }

  private static String systemIdentifier(ProductionServer server) throws Exception {
    try (Connection c = server.server().connect("postgres"); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT system_identifier::text FROM pg_control_system()")) {
      rs.next();
      return rs.getString(1);
    }
  }
}
