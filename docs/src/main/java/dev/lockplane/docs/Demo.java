package dev.lockplane.docs;

import dev.lockplane.clone.Clone;
import dev.lockplane.clone.CloneManager;
import dev.lockplane.clone.Golden;
import dev.lockplane.clone.Script;
import dev.lockplane.clones.CloneManagers;
import dev.lockplane.postgres.LocalPostgres;
import java.io.PrintStream;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * The README's first command: an embedded PostgreSQL, a golden database with a million orders, two
 * thin clones, a destructive migration on one of them, the other untouched, and a reset — with the
 * time each step took.
 */
public final class Demo {
  private static final PrintStream OUT = System.out;

  /** The golden: a small shop with 100,000 customers and 1,000,000 orders. */
  static final Script SCHEMA = Script.of("demo/schema.sql", """
      CREATE TABLE customers (
        id         bigint PRIMARY KEY,
        email      text NOT NULL UNIQUE,
        country    char(2) NOT NULL,
        created_at timestamptz NOT NULL
      );
      CREATE TABLE products (
        id    int PRIMARY KEY,
        name  text NOT NULL,
        price numeric(10, 2) NOT NULL CHECK (price > 0)
      );
      CREATE TABLE orders (
        id          bigint PRIMARY KEY,
        customer_id bigint NOT NULL,
        product_id  int NOT NULL,
        quantity    int NOT NULL CHECK (quantity > 0),
        status      text NOT NULL DEFAULT 'paid',
        ordered_at  timestamptz NOT NULL
      );
      CREATE VIEW revenue_by_country AS
        SELECT c.country, sum(o.quantity * p.price) AS revenue
        FROM orders o JOIN customers c ON c.id = o.customer_id JOIN products p ON p.id = o.product_id
        GROUP BY c.country;
      """);

  static Script seed(int customers, int orders) {
    return Script.of("demo/seed.sql", """
        INSERT INTO products
          SELECT g, 'product ' || g, (1 + g %% 200) * 0.99 FROM generate_series(1, 1000) g;
        INSERT INTO customers
          SELECT g, 'customer' || g || '@example.com', (ARRAY['DE','FR','US','BR','JP','IN'])[1 + g %% 6],
                 timestamptz '2024-01-01' + g * interval '5 minutes'
          FROM generate_series(1, %d) g;
        INSERT INTO orders
          SELECT g, 1 + (g::bigint * 7919) %% %d, 1 + g %% 1000, 1 + g %% 5,
                 CASE WHEN g %% 50 = 0 THEN 'refunded' ELSE 'paid' END,
                 timestamptz '2024-06-01' + g * interval '1 minute'
          FROM generate_series(1, %d) g;
        -- constraints and indexes after the load: one validation pass instead of a check per row
        ALTER TABLE orders ADD FOREIGN KEY (customer_id) REFERENCES customers,
                           ADD FOREIGN KEY (product_id) REFERENCES products;
        CREATE INDEX orders_customer_idx ON orders (customer_id);
        ANALYZE;
        """.formatted(customers, customers, orders));
  }

  private Demo() {}

  /**
   * Runs the demo.
   *
   * @param args optional: the number of orders (default 1,000,000)
   * @throws Exception on failure
   */
  public static void main(String[] args) throws Exception {
    int orders = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
    run(orders, OUT);
  }

  /**
   * Runs the demo with a given size and prints to {@code out}.
   *
   * @param orders how many orders the golden holds
   * @param out where to print
   * @throws Exception on failure
   */
  public static void run(int orders, PrintStream out) throws Exception {
    out.println("Lockplane demo: private, resettable copies of a realistic PostgreSQL database");
    out.println();
    try (LocalPostgres pg = step(out, "start embedded PostgreSQL", () -> LocalPostgres.builder().start())) {
      out.printf("      %s%n", pg);
      Golden golden = Golden.fromScripts(List.of(SCHEMA, seed(Math.max(1000, orders / 10), orders)));
      try (CloneManager clones = step(out, "build the golden database (" + String.format(Locale.ROOT, "%,d", orders) + " orders)",
          () -> CloneManagers.databases(pg).golden(golden).start())) {
        out.printf("      golden %s, clone strategy: %s%n", clones.golden().name(), clones.strategy());
        Clone alice = step(out, "create clone 'alice'", () -> clones.create("alice"));
        Clone bob = step(out, "create clone 'bob'", () -> clones.create("bob"));
        out.printf("      both clones: %s orders, revenue %s%n", count(alice, "SELECT count(*) FROM orders"),
            scalar(alice, "SELECT round(sum(revenue)) FROM revenue_by_country"));

        step(out, "destructive migration on 'alice' (drop a column, delete refunds, drop a table)", () -> {
          exec(alice, """
              DROP VIEW revenue_by_country;
              ALTER TABLE orders DROP COLUMN quantity;
              DELETE FROM orders WHERE status = 'refunded';
              DROP TABLE products CASCADE;
              """);
          return null;
        });
        out.printf("      alice: %s orders, products table present: %s, quantity column present: %s%n",
            count(alice, "SELECT count(*) FROM orders"),
            scalar(alice, "SELECT to_regclass('products') IS NOT NULL"),
            scalar(alice, "SELECT count(*) > 0 FROM information_schema.columns WHERE table_name = 'orders' AND column_name = 'quantity'"));
        out.printf("      bob:   %s orders, products table present: %s, revenue %s  (untouched)%n",
            count(bob, "SELECT count(*) FROM orders"),
            scalar(bob, "SELECT to_regclass('products') IS NOT NULL"),
            scalar(bob, "SELECT round(sum(revenue)) FROM revenue_by_country"));

        step(out, "reset 'alice' to the golden", () -> {
          alice.reset();
          return null;
        });
        out.printf("      alice: %s orders, revenue %s  (restored)%n", count(alice, "SELECT count(*) FROM orders"),
            scalar(alice, "SELECT round(sum(revenue)) FROM revenue_by_country"));
        step(out, "destroy both clones", () -> {
          alice.destroy();
          bob.destroy();
          return null;
        });
      }
    }
    out.println();
    out.println("Done.");
  }

  private static <T> T step(PrintStream out, String what, Callable<T> work) throws Exception {
    long t0 = System.nanoTime();
    T result = work.call();
    double ms = (System.nanoTime() - t0) / 1e6;
    out.printf(Locale.ROOT, "%9.1f ms  %s%n", ms, what);
    return result;
  }

  private static void exec(Clone c, String sql) throws SQLException {
    try (Connection conn = c.dataSource().getConnection(); Statement s = conn.createStatement()) {
      s.execute(sql);
    }
  }

  private static String scalar(Clone c, String sql) throws SQLException {
    try (Connection conn = c.dataSource().getConnection(); Statement s = conn.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getString(1);
    }
  }

  private static String count(Clone c, String sql) throws SQLException {
    return String.format(Locale.ROOT, "%,d", Long.parseLong(scalar(c, sql)));
  }
}
