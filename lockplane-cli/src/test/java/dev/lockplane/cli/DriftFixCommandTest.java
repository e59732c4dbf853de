package dev.lockplane.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code lockplane drift fix} on a real database drifted by hand: fixed towards the schema, or the schema adopting the drift. */
class DriftFixCommandTest {
  static final String V1 = "CREATE TABLE customers (id bigint PRIMARY KEY);\n"
      + "CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint REFERENCES customers);\n";

  LocalPostgres pg = SharedPostgres.get();
  String db;
  @TempDir Path dir;

  @BeforeEach
  void createDatabase() throws Exception {
    db = "driftfix_" + Long.toHexString(System.nanoTime());
    try (Connection c = pg.connect("postgres"); Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + db + " TEMPLATE template0");
    }
    try (Connection c = pg.connect(db); Statement s = c.createStatement()) {
      s.execute(V1);
      // Hotfixes made by hand: an extra column with data, an extra table, a dropped index-free table.
      s.execute("ALTER TABLE orders ADD COLUMN emergency_fix text DEFAULT 'x';"
          + "INSERT INTO customers VALUES (1); INSERT INTO orders VALUES (1, 1, 'kept');"
          + "CREATE TABLE hotfix_log (id serial PRIMARY KEY, note text NOT NULL)");
    }
  }

  @AfterEach
  void dropDatabase() throws Exception {
    try (Connection c = pg.connect("postgres"); Statement s = c.createStatement()) {
      s.execute("DROP DATABASE IF EXISTS " + db + " WITH (FORCE)");
    }
  }

  private Result run(String stdin, boolean terminal, Path schema, String... options) {
    List<String> args = new ArrayList<>(List.of("drift", "fix", "--url", pg.jdbcUrl(db), "--user", pg.user(),
        "--password", pg.password(), "--scratch-url", pg.jdbcUrl("postgres"), "--schema", schema.toString()));
    args.addAll(List.of(options));
    return MainTest.run(Map.of(), stdin, terminal, args.toArray(String[]::new));
  }

  private Result drift(Path schema) {
    return MainTest.run("drift", "--url", pg.jdbcUrl(db), "--user", pg.user(), "--password", pg.password(),
        "--scratch-url", pg.jdbcUrl("postgres"), "--schema", schema.toString());
  }

  private List<String> columns(String table) throws Exception {
    List<String> names = new ArrayList<>();
    try (Connection c = pg.connect(db); Statement s = c.createStatement(); ResultSet r = s.executeQuery(
        "SELECT column_name FROM information_schema.columns WHERE table_name = '" + table + "' ORDER BY ordinal_position")) {
      while (r.next()) {
        names.add(r.getString(1));
      }
    }
    return names;
  }

  @Test
  void fixesTowardsTheSchemaAfterAYesAndRefusesWithoutATerminal() throws Exception {
    Path schema = Files.writeString(dir.resolve("schema.sql"), V1);
    Result noTty = run("", false, schema);
    assertThat(noTty.code()).isEqualTo(Main.USAGE);
    assertThat(noTty.err()).contains("there is no terminal to ask on", "--yes");

    Result no = run("n\n", true, schema, "--allow-data-loss");
    assertThat(no.code()).isEqualTo(Main.ERROR);
    assertThat(no.out()).contains("extra column public.orders.emergency_fix", "extra table public.hotfix_log",
        "Drop column emergency_fix from public.orders", "-- risk:", "? [y/N] ");
    assertThat(no.err()).contains("Not applied");
    assertThat(columns("orders")).contains("emergency_fix");

    Result yes = run("y\n", true, schema, "--allow-data-loss");
    assertThat(yes.code()).as(yes.err()).isZero();
    assertThat(columns("orders")).containsExactly("id", "customer_id");
    assertThat(columns("hotfix_log")).isEmpty();
    assertThat(drift(schema).code()).isZero();
    Result again = run("", false, schema, "--yes");
    assertThat(again.out()).startsWith("no drift:");
  }

  @Test
  void adoptWritesWhatOnlyTheDatabaseHasIntoTheSqlOrJsonSchema() throws Exception {
    Path sql = Files.writeString(dir.resolve("schema.sql"), V1);
    Result adopted = run("", false, sql, "--adopt", "--yes");
    assertThat(adopted.code()).as(adopted.err()).isZero();
    assertThat(adopted.out()).contains("only in the database, to be written into " + sql,
        "  table public.hotfix_log\n", "  column public.orders.emergency_fix\n", "adopted 2 objects into " + sql,
        "nothing to apply: the desired schema now matches the database");
    assertThat(Files.readString(sql)).startsWith(V1).contains("CREATE TABLE", "hotfix_log",
        "ALTER TABLE public.orders ADD COLUMN emergency_fix text DEFAULT 'x'::text;");
    assertThat(drift(sql).code()).as("no drift after adopting").isZero();
    try (Connection c = pg.connect(db); Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT emergency_fix FROM orders")) {
      assertThat(r.next()).isTrue();
      assertThat(r.getString(1)).isEqualTo("kept");
    }

    // The same drift adopted into a Lockplane JSON document: its other keys stay.
    try (Connection c = pg.connect(db); Statement s = c.createStatement()) {
      s.execute("ALTER TABLE customers ADD COLUMN vip boolean");
    }
    Result json = MainTest.run("introspect", "--url", pg.jdbcUrl(db), "--user", pg.user(), "--password",
        pg.password(), "--format", "json");
    // The desired document lacks the hotfix column and declares an owner.
    ObjectNode document = (ObjectNode) Json.read(json.out());
    for (JsonNode t : document.get("schema").get("tables")) {
      ArrayNode cols = (ArrayNode) t.get("columns");
      for (int i = cols.size() - 1; i >= 0; i--) {
        if (cols.get(i).get("name").asText().equals("vip")) {
          cols.remove(i);
        }
      }
    }
    document.set("ownership", Json.read("{\"public.orders\": {\"owner\": \"billing\"}}"));
    Path jsonSchema = Files.writeString(dir.resolve("schema.json"), document.toString());
    assertThat(drift(jsonSchema).code()).isEqualTo(Main.CHANGES);
    Result fromJson = run("", false, jsonSchema, "--adopt", "--yes");
    assertThat(fromJson.code()).as(fromJson.err()).isZero();
    assertThat(fromJson.out()).contains("  column public.customers.vip\n");
    String rewritten = Files.readString(jsonSchema);
    assertThat(rewritten).contains("\"vip\"", "\"ownership\"", "\"billing\"");
    assertThat(columns("customers")).containsExactly("id", "vip");
    assertThat(drift(jsonSchema).code()).isZero();
  }
}
