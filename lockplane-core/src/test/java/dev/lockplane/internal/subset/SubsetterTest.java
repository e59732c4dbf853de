package dev.lockplane.internal.subset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lockplane.ErrorCode;
import dev.lockplane.LockplaneException;
import dev.lockplane.clone.Golden;
import dev.lockplane.clone.Script;
import dev.lockplane.golden.Subset;
import dev.lockplane.golden.SubsetReport;
import dev.lockplane.golden.Subset.EdgeCase;
import dev.lockplane.golden.Subset.Others;
import dev.lockplane.internal.golden.LogicalTarget;
import dev.lockplane.internal.sql.JdbcUrls;
import dev.lockplane.postgres.LocalPostgres;
import dev.lockplane.testing.ProductionServer;
import dev.lockplane.testing.SharedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Subsets of a schema with composite, self-referencing and cyclic foreign keys, made both ways: copied
 * from a server that plays production (read-only role) and made in place in a golden loaded whole.
 */
class SubsetterTest {
  /** customers.referred_by is a self-reference, orders/items a composite key, departments/employees a cycle. */
  static final String SHOP = """
      CREATE SCHEMA s;
      CREATE TABLE s.countries (code text PRIMARY KEY, name text NOT NULL);
      CREATE TABLE s.customers (id int PRIMARY KEY, country text NOT NULL REFERENCES s.countries,
        referred_by int REFERENCES s.customers, email text);
      CREATE TABLE s.orders (customer_id int NOT NULL REFERENCES s.customers, order_no int NOT NULL,
        created_at timestamptz NOT NULL, PRIMARY KEY (customer_id, order_no));
      CREATE INDEX orders_created ON s.orders (created_at);
      CREATE TABLE s.items (id int GENERATED ALWAYS AS IDENTITY PRIMARY KEY, customer_id int, order_no int,
        sku text NOT NULL, FOREIGN KEY (customer_id, order_no) REFERENCES s.orders);
      CREATE TABLE s.departments (id int PRIMARY KEY, manager_id int);
      CREATE TABLE s.employees (id int PRIMARY KEY, department_id int NOT NULL REFERENCES s.departments,
        mentor_id int REFERENCES s.employees);
      ALTER TABLE s.departments ADD CONSTRAINT departments_manager FOREIGN KEY (manager_id) REFERENCES s.employees
        DEFERRABLE INITIALLY DEFERRED;
      CREATE TABLE s.audit (at int, payload text);
      INSERT INTO s.countries SELECT 'c' || i, 'Country ' || i FROM generate_series(0, 9) i;
      INSERT INTO s.customers SELECT i, 'c' || (i % 10), NULLIF(i / 2, 0),
        CASE WHEN i % 97 = 0 THEN NULL WHEN i = 333 THEN repeat('x', 80) || '@example.com'
          ELSE 'user' || i || '@example.com' END FROM generate_series(1, 500) i;
      INSERT INTO s.orders SELECT c, n, timestamptz '2026-01-01 00:00+00' + (c * 4 + n) * interval '1 hour'
        FROM generate_series(1, 500) c, generate_series(1, 4) n;
      INSERT INTO s.items (customer_id, order_no, sku) SELECT customer_id, order_no, 'sku-' || k
        FROM s.orders, generate_series(1, 2) k ORDER BY 1, 2, 3;
      INSERT INTO s.departments SELECT i, NULL FROM generate_series(1, 10) i;
      INSERT INTO s.employees SELECT i, 1 + i % 10, NULLIF(i / 3, 0) FROM generate_series(1, 100) i;
      UPDATE s.departments SET manager_id = id * 10;
      INSERT INTO s.audit SELECT i, 'event ' || i FROM generate_series(1, 50) i;
      CREATE TABLE s.audit_archive (archived boolean) INHERITS (s.audit);
      INSERT INTO s.audit_archive SELECT i, 'old event ' || i, true FROM generate_series(1, 5) i;
      CREATE MATERIALIZED VIEW s.orders_per_customer AS SELECT customer_id, count(*) AS n FROM s.orders GROUP BY 1;
      """;

  static ProductionServer prod;

  @BeforeAll
  static void start() {
    prod = ProductionServer.start();
    prod.exec("postgres", "CREATE DATABASE shop");
    prod.exec("shop", SHOP, "GRANT pg_read_all_data TO " + ProductionServer.READER);
  }

  @AfterAll
  static void stop() {
    if (prod != null) {
      prod.close();
    }
  }

  static Golden server() {
    return Golden.fromServer(prod.url("shop"), ProductionServer.READER, ProductionServer.PASSWORD);
  }

  static Golden scripts() {
    return Golden.fromScripts(List.of(Script.of("shop.sql", SHOP)));
  }

  /** An empty database on the shared server and a target for it. */
  static LogicalTarget target(List<String> progress) {
    return target(SharedPostgres.get(), progress);
  }

  static LogicalTarget target(LocalPostgres pg, List<String> progress) {
    String db = "subset_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
    exec(pg, "postgres", "CREATE DATABASE " + db);
    return new LogicalTarget(pg.jdbcUrl(db), db, pg.user(), pg.password(), pg.majorVersion(),
        pg.installation().binDirectory(), progress::add);
  }

  static void drop(LogicalTarget t) {
    try (Connection c = connect(t, "postgres"); Statement s = c.createStatement()) {
      s.execute("DROP DATABASE IF EXISTS " + t.database() + " WITH (FORCE)");
    } catch (SQLException e) {
      throw new IllegalStateException(e.getMessage(), e);
    }
  }

  static Connection connect(LogicalTarget t, String database) throws SQLException {
    return DriverManager.getConnection(JdbcUrls.withDatabase(t.jdbcUrl(), database), t.user(), t.secret());
  }

  static void exec(LocalPostgres pg, String db, String... sql) {
    try (Connection c = pg.connect(db); Statement s = c.createStatement()) {
      for (String q : sql) {
        s.execute(q);
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e.getMessage(), e);
    }
  }

  static void execIn(LogicalTarget t, String... sql) {
    try (Connection c = connect(t, t.database()); Statement s = c.createStatement()) {
      for (String q : sql) {
        s.execute(q);
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e.getMessage(), e);
    }
  }

  static List<String> column(LogicalTarget t, String sql) {
    List<String> out = new ArrayList<>();
    try (Connection c = connect(t, t.database()); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      while (rs.next()) {
        out.add(rs.getString(1));
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e.getMessage(), e);
    }
    return out;
  }

  static long count(LogicalTarget t, String sql) {
    return Long.parseLong(column(t, sql).get(0));
  }

  /** Each table's rows, as a checksum of their text in key order. */
  static Map<String, String> contents(LogicalTarget t) {
    Map<String, String> out = new TreeMap<>();
    for (String table : column(t, "SELECT n.nspname || '.' || c.relname FROM pg_class c JOIN pg_namespace n"
        + " ON n.oid = c.relnamespace WHERE c.relkind = 'r' AND n.nspname = 's' ORDER BY 1")) {
      out.put(table, column(t, "SELECT count(*) || ' ' || coalesce(md5(string_agg(x::text, ',' ORDER BY x::text)), '-')"
          + " FROM " + table + " x").get(0));
    }
    return out;
  }

  static SubsetReport load(Golden source, Subset subset, LogicalTarget t) {
    return Subsetter.loadWithReport(source, subset, t).report();
  }

  static Subset closureSubset() {
    return Subset.builder()
        .where("s.items", "id % 250 = 0")
        .where("employees", "id = 100")
        .sample("s.customers", 2.0)
        .others(Others.EMPTY)
        .seed(11)
        .build();
  }

  /** All constraints of the golden hold: each foreign key is valid and validates again. */
  static void assertConstraintsHold(LogicalTarget t) {
    List<String> fks = column(t, "SELECT conrelid::regclass || ' ' || quote_ident(conname) FROM pg_constraint"
        + " WHERE contype = 'f' AND connamespace = 's'::regnamespace ORDER BY 1");
    assertThat(fks).hasSize(7);
    assertThat(count(t, "SELECT count(*) FROM pg_constraint WHERE connamespace = 's'::regnamespace AND NOT convalidated"))
        .isZero();
    for (String fk : fks) {
      String[] p = fk.split(" ");
      // re-validating: drop and re-add each foreign key from its own definition
      String def = column(t, "SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conname = '" + p[1] + "'").get(0);
      execIn(t, "BEGIN", "ALTER TABLE " + p[0] + " DROP CONSTRAINT " + p[1],
          "ALTER TABLE " + p[0] + " ADD CONSTRAINT " + p[1] + " " + def, "COMMIT");
    }
  }

  @Test
  void bothWaysKeepTheSameForeignKeyClosedRowsAndEveryConstraintHolds() throws Exception {
    List<String> progress = new ArrayList<>();
    // on the PostgreSQL 15 server, whose pg_dump the machine has, to dump the subset afterwards
    LogicalTarget copied = target(prod.server(), progress);
    LogicalTarget inPlace = target(progress);
    try {
      SubsetReport fromServer = load(server(), closureSubset(), copied);
      SubsetReport fromScripts = load(scripts(), closureSubset(), inPlace);
      assertThat(contents(copied)).isEqualTo(contents(inPlace));
      assertThat(fromServer).isEqualTo(fromScripts);
      for (LogicalTarget t : List.of(copied, inPlace)) {
        assertConstraintsHold(t);
        // the starting rows are there, and only what the closure needs of the others
        assertThat(column(t, "SELECT id FROM s.items ORDER BY id")).containsExactly("250", "500", "750", "1000",
            "1250", "1500", "1750", "2000", "2250", "2500", "2750", "3000", "3250", "3500", "3750", "4000");
        assertThat(count(t, "SELECT count(*) FROM s.orders")).isEqualTo(16);
        assertThat(count(t, "SELECT count(*) FROM s.orders o WHERE NOT EXISTS (SELECT 1 FROM s.items i"
            + " WHERE (i.customer_id, i.order_no) = (o.customer_id, o.order_no))")).isZero();
        // a kept customer's referrer is kept, recursively (self-reference), and no other customer: each is
        // in the sample, or referenced by a kept order or customer
        assertThat(count(t, "SELECT count(*) FROM s.customers WHERE id = 1")).isEqualTo(1);
        assertThat(count(t, "SELECT count(*) FROM s.customers c WHERE NOT EXISTS (SELECT 1 FROM s.orders o"
            + " WHERE o.customer_id = c.id) AND NOT EXISTS (SELECT 1 FROM s.customers x WHERE x.referred_by = c.id)"
            + " AND ((hashtextextended(ROW(c.id)::text, 11) & 9223372036854775807) % 1000000) >= 20000")).isZero();
        assertThat(count(t, "SELECT count(*) FROM s.customers")).isBetween(20L, 200L);
        // the cycle departments ⇄ employees and the self-reference employees.mentor_id: employee 100 and
        // only rows a kept row references
        assertThat(count(t, "SELECT count(*) FROM s.employees WHERE id = 100")).isEqualTo(1);
        assertThat(count(t, "SELECT count(*) FROM s.employees e WHERE e.id <> 100 AND NOT EXISTS (SELECT 1"
            + " FROM s.employees x WHERE x.mentor_id = e.id) AND NOT EXISTS (SELECT 1 FROM s.departments d"
            + " WHERE d.manager_id = e.id)")).isZero();
        assertThat(count(t, "SELECT count(*) FROM s.departments d WHERE NOT EXISTS (SELECT 1 FROM s.employees e"
            + " WHERE e.department_id = d.id)")).isZero();
        assertThat(count(t, "SELECT count(*) FROM s.employees")).isBetween(6L, 99L);
        // an inheritance child is a table of its own, and a materialized view shows the kept rows only
        assertThat(count(t, "SELECT count(*) FROM s.audit")).isZero();
        assertThat(count(t, "SELECT count(*) FROM s.audit_archive")).isZero();
        assertThat(count(t, "SELECT sum(n) FROM s.orders_per_customer")).isEqualTo(16);
        // the identity goes on after the source's last value
        assertThat(count(t, "SELECT max(id) FROM s.items")).isEqualTo(4000);
      }
      assertThat(count(copied, "SELECT nextval(pg_get_serial_sequence('s.items', 'id'))")).isEqualTo(4001);
      assertThat(fromServer.rows("s.items")).isEqualTo(16);
      assertThat(fromServer.tables().get("s.orders")).containsEntry("referenced by s.items items_customer_id_order_no_fkey", 16L);
      assertThat(fromServer.lines()).contains("s.audit: 0 row(s)", "s.audit_archive: 0 row(s)");
      assertThat(String.join("\n", progress)).doesNotContain(ProductionServer.PASSWORD).contains("s.items: 16 row(s)");
      assertDumpRestoresCleanly(copied);
    } finally {
      drop(copied);
      drop(inPlace);
    }
  }

  /** A pg_dump of the subset restores into an empty database without a single error. */
  static void assertDumpRestoresCleanly(LogicalTarget t) throws Exception {
    LocalPostgres pg = prod.server();
    Path dir = Files.createTempDirectory("subset-dump");
    Path file = dir.resolve("subset.dump");
    LogicalTarget empty = target(pg, new ArrayList<>());
    try {
      Path bin = Path.of("/usr/lib/postgresql/" + ProductionServer.VERSION + "/bin");
      run(List.of(bin.resolve("pg_dump").toString(), "--format=custom", "--file=" + file, "--dbname=" + conninfo(pg, t.database())));
      run(List.of(bin.resolve("pg_restore").toString(), "--exit-on-error", "--single-transaction",
          "--dbname=" + conninfo(pg, empty.database()), file.toString()));
      assertThat(contents(empty)).isEqualTo(contents(t));
    } finally {
      drop(empty);
      Files.deleteIfExists(file);
      Files.deleteIfExists(dir);
    }
  }

  static String conninfo(LocalPostgres pg, String db) {
    return "host=" + pg.host() + " port=" + pg.port() + " user=" + pg.user() + " dbname=" + db;
  }

  static void run(List<String> cmd) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().put("PGPASSWORD", prod.server().password());
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor()).as(out).isZero();
  }

  @Test
  void aSampleIsTheSameForTheSameSeedAndAnotherForAnother() {
    Subset seven = Subset.builder().sample("s.countries", 50).seed(7).others(Others.EMPTY).build();
    Subset eight = Subset.builder().sample("s.countries", 50).seed(8).others(Others.EMPTY).build();
    List<List<String>> kept = new ArrayList<>();
    for (Subset s : List.of(seven, seven, eight)) {
      LogicalTarget t = target(new ArrayList<>());
      try {
        load(scripts(), s, t);
        kept.add(column(t, "SELECT code FROM s.countries ORDER BY code"));
      } finally {
        drop(t);
      }
    }
    assertThat(kept.get(0)).isEqualTo(kept.get(1)).isNotEqualTo(kept.get(2));
    assertThat(kept.get(0).size()).isBetween(2, 8);
  }

  /** Customer 7 and its referrers, one order of customer 1, and their orders and items. */
  static Subset with() {
    return Subset.builder().where("s.customers", "id = 7")
        .where("s.orders", "customer_id = 1 AND order_no = 1").alsoReferencing("s.orders")
        .alsoReferencing("s.items", "items_customer_id_order_no_fkey").others(Others.EMPTY).build();
  }

  @Test
  void perValueKeepsTheFirstRowsOfEachValueAndReferencingRowsOnlyWhenAsked() {
    LogicalTarget t = target(new ArrayList<>());
    LogicalTarget referencing = target(new ArrayList<>());
    LogicalTarget copied = null;
    try {
      SubsetReport r = load(scripts(), Subset.builder().perValue("s.customers", "country", 3).others(Others.EMPTY).build(), t);
      assertThat(r.tables().get("s.customers")).containsEntry("3 row(s) per value of country", 30L);
      // the three smallest ids of each country are 1 to 30, and their referrers are among them
      assertThat(column(t, "SELECT country || ':' || string_agg(id::text, ',' ORDER BY id) FROM s.customers GROUP BY country"
          + " ORDER BY 1")).hasSize(10).contains("c0:10,20,30", "c1:1,11,21", "c9:9,19,29");
      assertThat(count(t, "SELECT count(*) FROM s.customers")).isEqualTo(30);
      assertThat(count(t, "SELECT count(*) FROM s.orders")).isZero();

      // one order is a starting row of its own, and is not fetched twice along the relationship
      SubsetReport with = load(scripts(), with(), referencing);
      assertThat(column(referencing, "SELECT id FROM s.customers ORDER BY id")).containsExactly("1", "3", "7");
      // the orders of all three kept customers, and their items
      assertThat(count(referencing, "SELECT count(*) FROM s.orders")).isEqualTo(12);
      assertThat(count(referencing, "SELECT count(*) FROM s.items")).isEqualTo(24);
      assertThat(with.tables().get("s.orders")).containsEntry("references s.customers (orders_customer_id_fkey)", 11L)
          .containsEntry("filter customer_id = 1 AND order_no = 1", 1L);
      assertConstraintsHold(referencing);
      // copied from the server, the referencing rows are fetched by key: the same rows
      copied = target(new ArrayList<>());
      assertThat(load(server(), with(), copied)).isEqualTo(with);
      assertThat(contents(copied)).isEqualTo(contents(referencing));
    } finally {
      drop(t);
      drop(referencing);
      if (copied != null) {
        drop(copied);
      }
    }
  }

  @Test
  void tablesNotNamedAreKeptEmptiedOrDroppedAndADropThatBreaksAForeignKeyIsRefused() {
    LogicalTarget keep = target(new ArrayList<>());
    LogicalTarget dropped = target(new ArrayList<>());
    LogicalTarget refused = target(new ArrayList<>());
    try {
      load(scripts(), Subset.builder().where("s.customers", "id = 4").build(), keep);
      assertThat(count(keep, "SELECT count(*) FROM ONLY s.audit")).isEqualTo(50);
      assertThat(count(keep, "SELECT count(*) FROM s.audit_archive")).isEqualTo(5);
      assertThat(count(keep, "SELECT count(*) FROM s.orders")).isEqualTo(2000);
      // the kept orders reference all customers
      assertThat(count(keep, "SELECT count(*) FROM s.customers")).isEqualTo(500);

      SubsetReport r = load(server(), Subset.builder().where("s.customers", "id = 4").onlyReferenced("s.countries")
          .others(Others.DROP).build(), dropped);
      assertThat(column(dropped, "SELECT relname FROM pg_class WHERE relnamespace = 's'::regnamespace AND relkind = 'r'"
          + " ORDER BY 1")).containsExactly("countries", "customers");
      assertThat(column(dropped, "SELECT id FROM s.customers ORDER BY id")).containsExactly("1", "2", "4");
      assertThat(column(dropped, "SELECT code FROM s.countries ORDER BY code")).containsExactly("c1", "c2", "c4");
      assertThat(r.dropped()).containsExactly("s.audit", "s.audit_archive", "s.departments", "s.employees", "s.items", "s.orders",
          "s.orders_per_customer (materialized view on a dropped table)");
      assertThat(count(dropped, "SELECT count(*) FROM pg_constraint WHERE contype = 'f' AND connamespace = 's'::regnamespace"))
          .isEqualTo(2);

      assertThatThrownBy(() -> load(scripts(), Subset.builder().where("s.customers", "id = 4").others(Others.DROP).build(),
          refused)).isInstanceOfSatisfying(LockplaneException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.INVALID_CONFIGURATION);
            assertThat(e.getMessage()).contains("s.customers").contains("s.countries").contains("drop");
          });
    } finally {
      drop(keep);
      drop(dropped);
      drop(refused);
    }
  }

  @Test
  void edgeCasesAreKeptOnPurposeAndReported() {
    LogicalTarget t = target(new ArrayList<>());
    try {
      SubsetReport r = load(scripts(), Subset.builder().where("s.customers", "id = 1")
          .edgeCases(EdgeCase.NULLS, EdgeCase.LONGEST, EdgeCase.MIN_MAX).others(Others.EMPTY).build(), t);
      // 97: the first NULL email; 333: the longest email; 500: the largest id (1, the smallest, is kept already)
      assertThat(column(t, "SELECT id FROM s.customers WHERE id IN (97, 333, 500) ORDER BY id"))
          .containsExactly("97", "333", "500");
      assertThat(r.tables().get("s.customers")).containsEntry("edge cases", 3L).containsEntry("filter id = 1", 1L);
      assertConstraintsHold(t);
    } finally {
      drop(t);
    }
  }

  @Test
  void mistakesAreNamedBeforeAnyRowMoves() {
    LogicalTarget t = target(new ArrayList<>());
    try {
      assertThatThrownBy(() -> load(scripts(), Subset.builder().where("s.nope", "true").build(), t))
          .isInstanceOfSatisfying(LockplaneException.class, e -> assertThat(e.getMessage()).contains("s.nope"));
      assertThatThrownBy(() -> load(server(), Subset.builder().perValue("s.customers", "colour", 1).build(), t))
          .isInstanceOfSatisfying(LockplaneException.class, e -> assertThat(e.getMessage()).contains("colour")
              .contains("s.customers").doesNotContain(ProductionServer.PASSWORD));
      // the first attempt loaded the scripts into the target before it failed: subset that copy in place
      assertThatThrownBy(() -> load(Golden.fromDatabase(t.database()),
          Subset.builder().where("s.customers", "no_such_column > 1").build(), t))
          .isInstanceOfSatisfying(LockplaneException.class, e -> assertThat(e.getMessage()).contains("s.customers")
              .contains("no_such_column"));
      assertThatThrownBy(() -> load(((Golden.FromServer) server()).physical(), Subset.builder().build(), t))
          .isInstanceOfSatisfying(LockplaneException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.UNSUPPORTED));
    } finally {
      drop(t);
    }
  }
}
