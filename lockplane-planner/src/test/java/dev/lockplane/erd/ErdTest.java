package dev.lockplane.erd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lockplane.ErrorCode;
import dev.lockplane.LockplaneException;
import dev.lockplane.plan.Plan;
import dev.lockplane.planner.Desired;
import dev.lockplane.planner.Lockplane;
import dev.lockplane.planner.PlanReport;
import dev.lockplane.planner.Planner;
import dev.lockplane.postgres.LocalPostgres;
import dev.lockplane.safety.ReportFormat;
import dev.lockplane.schema.DatabaseSchema;
import dev.lockplane.trace.HeadlessChromium;
import dev.lockplane.testing.SharedPostgres;
import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Diagrams of a live schema on the shared server and of a plan against it: the Mermaid text, the
 * focus options, and the SVG (and, where npm can fetch Mermaid, the Mermaid text) rendered by a real
 * headless Chromium.
 */
class ErdTest {
  static final String SHOP = """
      CREATE SCHEMA sales;
      CREATE TABLE customers (id bigint PRIMARY KEY, email text NOT NULL UNIQUE, name varchar(100));
      CREATE TABLE profiles (customer_id bigint PRIMARY KEY REFERENCES customers, bio text);
      CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint NOT NULL REFERENCES customers,
        amount numeric(10,2), referrer bigint REFERENCES orders);
      CREATE TABLE order_items (order_id bigint NOT NULL REFERENCES orders, sku text, qty int,
        PRIMARY KEY (order_id, sku));
      CREATE TABLE sales.regions (id int PRIMARY KEY, name text);
      CREATE TABLE shipments (id int PRIMARY KEY, order_id bigint REFERENCES orders,
        region_id int REFERENCES sales.regions);
      CREATE TABLE audit_log (id int);
      """;

  static final LocalPostgres pg = SharedPostgres.get();
  static final Planner planner = Lockplane.planner().scratchServer(pg).build();
  static final String db = "erd_" + Long.toHexString(System.nanoTime());
  static DatabaseSchema live;

  @TempDir Path dir;

  @BeforeAll
  static void createDatabase() throws Exception {
    try (Connection c = pg.connect("postgres"); Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + db + " TEMPLATE template0");
    }
    try (Connection c = pg.connect(db); Statement s = c.createStatement()) {
      s.execute(SHOP);
    }
    live = planner.introspect(pg.dataSource(db));
  }

  @AfterAll
  static void dropDatabase() throws Exception {
    try (Connection c = pg.connect("postgres"); Statement s = c.createStatement()) {
      s.execute("DROP DATABASE IF EXISTS " + db + " WITH (FORCE)");
    }
  }

  @Test
  void mermaidShowsKeysAndTheCardinalityOfEveryForeignKey() {
    Erd erd = Erd.of(live).build();
    assertThat(erd.tables()).containsExactly("public.audit_log", "public.customers", "public.order_items",
        "public.orders", "public.profiles", "public.shipments", "sales.regions");
    String text = erd.mermaid();
    assertThat(text).startsWith("erDiagram\n").contains("""
          customers {
            bigint id PK
            text email UK
            character_varying(100) name
          }
        """).contains(
        "    numeric(10-2) amount\n",
        "    bigint order_id PK, FK\n",
        // required parent, many children; optional parent; one-to-one through the primary key
        "  customers ||--o{ orders : \"customer_id\"\n",
        "  orders |o--o{ shipments : \"order_id\"\n",
        "  orders |o--o{ orders : \"referrer\"\n",
        "  customers ||--o| profiles : \"customer_id\"\n",
        "  \"sales.regions\" |o--o{ shipments : \"region_id\"\n").doesNotContain("classDef");
    assertThat(Erd.of(live).build().mermaid()).as("deterministic").isEqualTo(text);
  }

  @Test
  void focusOnNamedTablesOrOnTheNeighbourhoodOfOne() {
    assertThat(Erd.of(live).around("orders", 1).build().tables()).containsExactly("public.customers",
        "public.order_items", "public.orders", "public.shipments");
    assertThat(Erd.of(live).around("orders", 2).build().tables()).containsExactly("public.customers",
        "public.order_items", "public.orders", "public.profiles", "public.shipments", "sales.regions");
    Erd two = Erd.of(live).tables(List.of("customers", "sales.regions", "regions")).around("audit_log", 0).build();
    assertThat(two.tables()).containsExactly("public.audit_log", "public.customers", "sales.regions");
    assertThat(two.mermaid()).doesNotContain("--");
    assertThatThrownBy(() -> Erd.of(live).around("invoices", 1).build()).isInstanceOf(LockplaneException.class)
        .hasMessageContaining("no table invoices").hasMessageContaining("customers, order_items")
        .extracting(e -> ((LockplaneException) e).code()).isEqualTo(ErrorCode.INVALID_INPUT);
    assertThatThrownBy(() -> Erd.of(live).around("orders", 1).around("customers", 1))
        .hasMessageContaining("already centred on orders (depth 1)");
  }

  @Test
  void theSvgRendersInAHeadlessBrowserWithEveryTableInsideItsBox() throws Exception {
    String svg = Erd.of(live).build().svg();
    assertThat(svg).startsWith("<svg xmlns=\"http://www.w3.org/2000/svg\"").contains("data-table=\"sales.regions\"");
    HeadlessChromium chromium = HeadlessChromium.require(dir);
    String dom = chromium.dumpDom(page("erd.html", svg), 0);
    String result = between(dom, "<pre id=\"result\">", "</pre>");
    // One line per table: its label, whether all its text lies inside its box, whether it overlaps another box.
    assertThat(result.lines().toList()).containsExactlyInAnyOrder(
        "size ok", "audit_log inside no-overlap", "customers inside no-overlap", "order_items inside no-overlap",
        "orders inside no-overlap", "profiles inside no-overlap", "shipments inside no-overlap",
        "sales.regions inside no-overlap", "links 6");
  }

  @Test
  void aPlansMarkdownDrawsTheTablesItTouchesWithTheChangesMarked() throws Exception {
    String desired = SHOP.replace("name varchar(100));", "tier text);")
        .replace("amount numeric(10,2),", "amount numeric(12,2), note text,")
        .replace("CREATE TABLE audit_log (id int);", "CREATE TABLE coupons (code text PRIMARY KEY);");
    Plan plan = planner.plan(pg.dataSource(db), Desired.sql("desired.sql", desired));
    Erd erd = Erd.ofPlan(plan);
    assertThat(erd.tables()).containsExactly("public.audit_log", "public.coupons", "public.customers",
        "public.orders");
    String text = erd.mermaid();
    assertThat(text).contains(
        "    character_varying(100) name \"dropped\"\n",
        "    added tier \"added\"\n",
        "    added note \"added\"\n",
        "    numeric(10-2) amount \"type numeric(10,2) -> numeric(12,2)\"\n",
        "  customers ||--o{ orders : \"customer_id\"\n",
        "  class coupons added\n", "  class audit_log dropped\n", "  class customers,orders changed\n");
    String markdown = PlanReport.render(plan, ReportFormat.MARKDOWN);
    assertThat(markdown).contains("#### Tables", "```mermaid\n" + text + "```\n");

    HeadlessChromium chromium = HeadlessChromium.require(dir);
    BufferedImage image = chromium.screenshot(page("plan.html", erd.svg()), 1000, 700);
    assertThat(colours(image)).as("added, dropped and altered headers on the screenshot")
        .contains(0x1a7f37, 0xcf222e, 0x9a6700);
    MermaidBundle.require(dir);
    String dom = chromium.dumpDom(MermaidBundle.page(dir, text), 20_000);
    String result = between(dom, "<pre id=\"result\">", "</pre>");
    assertThat(result).startsWith("rendered").contains("audit_log", "coupons", "customers", "orders", "tier");
    int width = Integer.parseInt(result.lines().filter(l -> l.startsWith("width ")).findFirst().orElseThrow()
        .substring(6));
    assertThat(width).as("the width of Mermaid's drawing").isGreaterThan(300);
  }

  private Path page(String name, String svg) throws Exception {
    String html = "<!DOCTYPE html><html><body style=\"margin:0\">" + svg + "<pre id=\"result\"></pre><script>"
        + ErdPageScript.CHECK + "</script></body></html>";
    Path page = dir.resolve(name);
    Files.writeString(page, html, StandardCharsets.UTF_8);
    return page;
  }

  private static java.util.Set<Integer> colours(BufferedImage image) {
    java.util.Set<Integer> colours = new java.util.HashSet<>();
    for (int y = 0; y < image.getHeight(); y++) {
      for (int x = 0; x < image.getWidth(); x++) {
        colours.add(image.getRGB(x, y) & 0xffffff);
      }
    }
    return colours;
  }

  static String between(String text, String open, String close) {
    int from = text.indexOf(open);
    assertThat(from).as("%s in %s", open, text).isNotNegative();
    return text.substring(from + open.length(), text.indexOf(close, from)).strip();
  }
}
