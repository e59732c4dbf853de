package dev.lockplane.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lockplane.cli.MainTest.Result;
import dev.lockplane.postgres.LocalPostgres;
import dev.lockplane.testing.SharedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code lockplane validate} end to end on a small database of the shared server. */
class ValidateCommandTest {
  static final String BASE = "CREATE TABLE orders (id int PRIMARY KEY, customer int, amount int);\n";

  LocalPostgres pg = SharedPostgres.get();
  String db;
  @TempDir Path dir;

  @BeforeEach
  void createDatabase() throws Exception {
    db = "validate_" + Long.toHexString(System.nanoTime());
    try (Connection c = pg.connect("postgres"); Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + db + " TEMPLATE template0");
    }
    try (Connection c = pg.connect(db); Statement s = c.createStatement()) {
      s.execute(BASE + "INSERT INTO orders SELECT g, g % 50, g FROM generate_series(1, 3000) g; ANALYZE orders");
    }
  }

  @AfterEach
  void dropDatabase() throws Exception {
    try (Connection c = pg.connect("postgres"); Statement s = c.createStatement()) {
      s.execute("DROP DATABASE IF EXISTS " + db + " WITH (FORCE)");
    }
  }

  private Result validate(String schemaSql, String... options) throws Exception {
    Path schema = dir.resolve("schema_" + System.nanoTime() + ".sql");
    Files.writeString(schema, schemaSql);
    List<String> args = new ArrayList<>(List.of("validate", "--url", pg.jdbcUrl(db), "--user", pg.user(),
        "--password", pg.password(), "--scratch-url", pg.jdbcUrl("postgres"), "--schema", schema.toString()));
    args.addAll(List.of(options));
    return MainTest.run(args.toArray(String[]::new));
  }

  private List<String> leftoverDatabases() throws Exception {
    List<String> names = new ArrayList<>();
    try (Connection c = pg.connect("postgres"); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT datname FROM pg_database WHERE starts_with(datname, 'lpv_')")) {
      while (rs.next()) {
        names.add(rs.getString(1));
      }
    }
    return names;
  }

  @Test
  void strictPlanIsRewrittenRunOnACloneAndPasses() throws Exception {
    Result r = validate(BASE + "CREATE INDEX orders_customer_idx ON orders (customer);\n"
        + "ALTER TABLE orders ADD COLUMN note text DEFAULT 'none';\n", "--safety", "strict");
    assertThat(r.code()).as(r.err() + r.out()).isEqualTo(Main.OK);

    assertThat(r.out()).contains("CREATE INDEX CONCURRENTLY orders_customer_idx")
        .contains("-- risk: SAFE").contains("-- shadow validation");
    assertThat(leftoverDatabases()).isEmpty();
    // The target itself is untouched: validation ran on a clone.
    try (Connection c = pg.connect(db); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT count(*) FROM pg_indexes WHERE indexname = 'orders_customer_idx'")) {
      rs.next();
      assertThat(rs.getInt(1)).isZero();
    }
  }

  @Test
  void aRewriteAboveTheAcceptedRiskExitsTwoWithBothReportsInJson() throws Exception {
    Result r = validate(BASE.replace("amount int", "amount int, noise float8 DEFAULT random()"), "--format", "json");
    assertThat(r.code()).as(r.err()).isEqualTo(Main.CHANGES);
    assertThat(r.out()).contains("\"plan\"").contains("\"validation\"").contains("add-column-volatile-default");
    assertThat(r.err()).contains("step 1").contains("DANGEROUS").contains("--max-risk review");
    Result md = validate(BASE.replace("amount int", "amount int, noise float8 DEFAULT random()"),
        "--format", "markdown", "--max-risk", "dangerous");
    assertThat(md.code()).as(md.err()).isEqualTo(Main.OK);
    assertThat(md.out()).contains("| # | Step | Risk | Lock | Effect | Estimate |").contains("rewrites `orders`");
    // plan renders the same risk table, and --safety is checked.
    Path schema = dir.resolve("volatile.sql");
    Files.writeString(schema, BASE.replace("amount int", "amount int, noise float8 DEFAULT random()"));
    String[] common = {"--url", pg.jdbcUrl(db), "--user", pg.user(), "--password", pg.password(),
        "--scratch-url", pg.jdbcUrl("postgres"), "--schema", schema.toString()};
    Result plan = MainTest.run(concat(new String[] {"plan", "--format", "markdown", "--safety", "permissive"}, common));
    assertThat(plan.code()).as(plan.err()).isEqualTo(Main.CHANGES);
    assertThat(plan.out()).contains("**dangerous** ⚠ | ACCESS EXCLUSIVE | rewrite | rewrites `orders`");
    Result bad = MainTest.run(concat(new String[] {"plan", "--safety", "reckless"}, common));
    assertThat(bad.code()).isEqualTo(Main.USAGE);
    assertThat(bad.err()).contains("Invalid value for option '--safety': 'reckless' is not one of strict, moderate, permissive");
    assertThat(leftoverDatabases()).isEmpty();
  }

  @Test
  void strictRefusalExitsTwoAndARoleWithoutCreatedbIsToldSo() throws Exception {
    Result refused = validate(BASE.replace(", amount int", ""), "--safety", "strict");
    assertThat(refused.code()).isEqualTo(Main.CHANGES);
    assertThat(refused.err()).contains("drop-column").contains("Way out");

    String role = "lp_nocreatedb_" + Long.toHexString(System.nanoTime());
    try (Connection c = pg.connect("postgres"); Statement s = c.createStatement()) {
      s.execute("CREATE ROLE " + role + " LOGIN PASSWORD 'pw' NOCREATEDB");
    }
    try {
      Path schema = dir.resolve("s.sql");
      Files.writeString(schema, BASE);
      Result r = MainTest.run("validate", "--url", pg.jdbcUrl(db), "--user", role, "--password", "pw",
          "--schema", schema.toString());
      assertThat(r.code()).isEqualTo(Main.ERROR);
      assertThat(r.err()).contains("role " + role + " lacks CREATEDB").contains("ALTER ROLE " + role + " CREATEDB");
    } finally {
      try (Connection c = pg.connect("postgres"); Statement s = c.createStatement()) {
        s.execute("DROP ROLE IF EXISTS " + role);
      }
    }
  }

  private static String[] concat(String[] a, String[] b) {
    String[] r = new String[a.length + b.length];
    System.arraycopy(a, 0, r, 0, a.length);
    System.arraycopy(b, 0, r, a.length, b.length);
    return r;
  }
}
