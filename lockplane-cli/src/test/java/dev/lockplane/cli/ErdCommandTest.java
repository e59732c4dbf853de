package dev.lockplane.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lockplane.cli.MainTest.Result;
import dev.lockplane.postgres.LocalPostgres;
import dev.lockplane.testing.SharedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code lockplane erd} on a live database of the shared server and on an environment's desired schema. */
class ErdCommandTest {
  static final String SHOP = "CREATE TABLE customers (id bigint PRIMARY KEY);\n"
      + "CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint NOT NULL REFERENCES customers);\n"
      + "CREATE TABLE order_items (order_id bigint REFERENCES orders, sku text);\n"
      + "CREATE TABLE audit_log (id int);\n";

  LocalPostgres pg = SharedPostgres.get();
  String db;
  @TempDir Path dir;

  @BeforeEach
  void createDatabase() throws Exception {
    db = "erd_" + Long.toHexString(System.nanoTime());
    try (Connection c = pg.connect("postgres"); Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + db + " TEMPLATE template0");
    }
    try (Connection c = pg.connect(db); Statement s = c.createStatement()) {
      s.execute(SHOP);
    }
  }

  @AfterEach
  void dropDatabase() throws Exception {
    try (Connection c = pg.connect("postgres"); Statement s = c.createStatement()) {
      s.execute("DROP DATABASE IF EXISTS " + db + " WITH (FORCE)");
    }
  }

  @Test
  void drawsTheLiveSchemaAroundATableAsMermaid() {
    Result r = MainTest.run("erd", "--url", pg.jdbcUrl(db), "--user", pg.user(), "--password", pg.password(),
        "--around", "customers", "--depth", "1");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).isEqualTo("""
        erDiagram
          customers {
            bigint id PK
          }
          orders {
            bigint id PK
            bigint customer_id FK
          }
          customers ||--o{ orders : "customer_id"
        """);
    Result unknown = MainTest.run("erd", "--url", pg.jdbcUrl(db), "--user", pg.user(), "--password", pg.password(),
        "--tables", "orders,invoices");
    assertThat(unknown.code()).isEqualTo(Main.ERROR);
    assertThat(unknown.err()).contains("no table invoices", "audit_log, customers, order_items, orders");
    Result depthAlone = MainTest.run("erd", "--url", pg.jdbcUrl(db), "--depth", "2");
    assertThat(depthAlone.code()).isEqualTo(Main.USAGE);
    assertThat(depthAlone.err()).contains("--depth needs --around TABLE");
  }

  @Test
  void drawsAnEnvironmentsDesiredSchemaAsSvg() throws Exception {
    Files.writeString(dir.resolve("schema.sql"), SHOP + "CREATE TABLE refunds (order_id bigint REFERENCES orders);\n");
    Path config = dir.resolve("lockplane.toml");
    Files.writeString(config, "[environments.dev]\n"
        + "url = \"" + pg.jdbcUrl(db) + "\"\nuser = \"" + pg.user() + "\"\npassword-env = \"DEV_PASSWORD\"\n"
        + "schema = \"schema.sql\"\nscratch-url = \"" + pg.jdbcUrl("postgres") + "\"\n");
    Path svg = dir.resolve("shop.svg");
    Result r = MainTest.run(Map.of("DEV_PASSWORD", pg.password()), "erd", "--env", "dev", "--config",
        config.toString(), "--desired", "--format", "svg", "--tables", "orders,refunds", "--out", svg.toString());
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).isEmpty();
    assertThat(r.err()).contains("wrote a diagram of 2 tables to " + svg);
    assertThat(Files.readString(svg)).startsWith("<svg xmlns=\"http://www.w3.org/2000/svg\"")
        .contains("data-table=\"public.orders\"", "data-table=\"public.refunds\"", "<path class=\"link\"")
        .doesNotContain("data-table=\"public.customers\"");
    // The live database has no refunds table: without --desired the environment's database is drawn.
    Result live = MainTest.run(Map.of("DEV_PASSWORD", pg.password()), "erd", "--env", "dev", "--config",
        config.toString(), "--tables", "refunds");
    assertThat(live.code()).isEqualTo(Main.ERROR);
    assertThat(live.err()).contains("no table refunds");
  }
}
