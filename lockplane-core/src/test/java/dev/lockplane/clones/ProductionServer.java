package dev.lockplane.clones;

import dev.lockplane.internal.postgres.ClientTools;
import dev.lockplane.postgres.LocalPostgres;
import dev.lockplane.testing.Requirements;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * A second server that plays production for goldens read from a server: PostgreSQL 15 (the
 * machine's pg_dump is Debian's 15, and the embedded binaries ship none), password authentication,
 * a database {@code shop} whose objects belong to {@code app_owner}, and a read-only role
 * {@code reader} that is no superuser. One per test JVM, like {@code SharedPostgres}, stopped by the
 * runtime's shutdown hook.
 */
final class ProductionServer {
  static final String READER = "reader";
  static final String READER_PASSWORD = "r3ader-S3cret-pw";

  final LocalPostgres pg;

  private static ProductionServer server;

  private ProductionServer(LocalPostgres pg) {
    this.pg = pg;
  }

  /** Returns the server, starting it on first use; skips the test when the machine has no pg_dump 15. */
  static synchronized ProductionServer get() throws SQLException {
    if (server == null) {
      server = start();
    }
    return server;
  }

  private static ProductionServer start() throws SQLException {
    Requirements.require(ClientTools.find("pg_dump", 15, null).isPresent(),
        "needs pg_dump 15 (apt-get install postgresql-client-15)");
    Path extra = Path.of(System.getProperty("lockplane.test.extraBinaries", "target/postgres-binaries"));
    LocalPostgres pg = LocalPostgres.builder().version(15).binariesFrom(extra).start();
    try {
      try (Connection c = pg.connect("postgres"); Statement s = c.createStatement()) {
        s.execute("CREATE ROLE app_owner");
        s.execute("CREATE ROLE reporting");
        s.execute("CREATE ROLE " + READER + " LOGIN PASSWORD '" + READER_PASSWORD + "'");
        s.execute("CREATE DATABASE shop OWNER app_owner");
        s.execute("CREATE DATABASE private_db");
        s.execute("REVOKE CONNECT ON DATABASE private_db FROM PUBLIC");
      }
      try (Connection c = pg.connect("shop"); Statement s = c.createStatement()) {
        s.execute("SET ROLE app_owner");
        s.execute("""
            CREATE SCHEMA sales;
            CREATE TABLE sales.customers (id bigserial PRIMARY KEY, name text NOT NULL, tags text[], profile jsonb);
            CREATE TABLE sales.orders (
              id bigserial PRIMARY KEY,
              customer_id bigint NOT NULL REFERENCES sales.customers,
              total numeric(12,2) NOT NULL,
              placed_at timestamptz NOT NULL,
              receipt bytea);
            CREATE INDEX orders_customer ON sales.orders (customer_id);
            CREATE VIEW sales.big_orders AS SELECT * FROM sales.orders WHERE total > 1000;
            CREATE FUNCTION sales.order_count(c bigint) RETURNS bigint LANGUAGE sql STABLE
              AS 'SELECT count(*) FROM sales.orders WHERE customer_id = c';
            CREATE TABLE public.settings (key text PRIMARY KEY, value text);
            INSERT INTO sales.customers (name, tags, profile)
              SELECT 'customer ' || g, ARRAY['t' || g % 7, 'x'], jsonb_build_object('n', g, 'vip', g % 10 = 0)
              FROM generate_series(1, 300) g;
            INSERT INTO sales.orders (customer_id, total, placed_at, receipt)
              SELECT 1 + g % 300, g * 1.25, timestamptz '2024-01-01 00:00:00+00' + g * interval '37 minutes',
                     decode(md5(g::text), 'hex')
              FROM generate_series(1, 3000) g;
            INSERT INTO public.settings VALUES ('currency', 'EUR'), ('region', 'eu-west');
            GRANT USAGE ON SCHEMA sales TO reporting;
            GRANT SELECT ON sales.orders TO reporting;
            """);
        s.execute("RESET ROLE");
        s.execute("GRANT CONNECT ON DATABASE shop TO " + READER);
        s.execute("GRANT USAGE ON SCHEMA sales TO " + READER);
        s.execute("GRANT SELECT ON ALL TABLES IN SCHEMA sales, public TO " + READER);
        s.execute("GRANT SELECT ON ALL SEQUENCES IN SCHEMA sales TO " + READER);
      }
      return new ProductionServer(pg);
    } catch (SQLException | RuntimeException e) {
      pg.close();
      throw e;
    }
  }

  /** The source URL of a database, as a user writes it. */
  String url(String database) {
    return "postgres://127.0.0.1:" + pg.port() + "/" + database;
  }

  void exec(String database, String sql) throws SQLException {
    try (Connection c = pg.connect(database); Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  /** Row count and MD5 of the ordered rows of every table, by qualified name. */
  static Map<String, String> checksums(Connection c) throws SQLException {
    Map<String, String> out = new TreeMap<>();
    List<String> tables = new java.util.ArrayList<>();
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
        "SELECT format('%I.%I', n.nspname, c.relname) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
            + " WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema')"
            + " AND n.nspname NOT LIKE 'pg_toast%' ORDER BY 1")) {
      while (rs.next()) {
        tables.add(rs.getString(1));
      }
    }
    for (String t : tables) {
      try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
          "SELECT count(*) || ':' || coalesce(md5(string_agg(t::text, '|' ORDER BY t::text)), '-') FROM " + t + " t")) {
        rs.next();
        out.put(t, rs.getString(1));
      }
    }
    return out;
  }

  /** The names of the dump directories in the temporary directory. */
  static List<String> dumpDirectories() throws IOException {
    try (Stream<Path> s = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
      return s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("lockplane-dump-")).sorted().toList();
    }
  }
}
