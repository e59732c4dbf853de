package dev.lockplane.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lockplane.cli.MainTest.Result;
import dev.lockplane.clone.CloneManager;
import dev.lockplane.clones.CloneManagers;
import dev.lockplane.postgres.LocalPostgres;
import dev.lockplane.testing.SharedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code lockplane golden prepare --subset FILE}: a golden with only the file's rows, and what it kept. */
class GoldenSubsetCommandTest {
  private final LocalPostgres pg = SharedPostgres.get();
  @TempDir Path tmp;

  @Test
  void aGoldenWithASubsetPrintsWhatItKept() throws Exception {
    Path schema = Files.writeString(tmp.resolve("shop.sql"), """
        CREATE TABLE customers (id int PRIMARY KEY, name text);
        CREATE TABLE orders (id int PRIMARY KEY, customer_id int NOT NULL REFERENCES customers);
        INSERT INTO customers SELECT i, 'c' || i FROM generate_series(1, 10) i;
        INSERT INTO orders SELECT i, 1 + i % 10 FROM generate_series(1, 20) i;
        """);
    Path subset = Files.writeString(tmp.resolve("subset.json"),
        "{\"tables\": {\"orders\": {\"where\": \"id <= 2\"}}, \"others\": \"empty\"}");
    String prefix = "u" + UUID.randomUUID().toString().replace("-", "").substring(0, 8) + "_";
    Map<String, String> env = Map.of("CLONE_PW", pg.password());
    String[] home = {"golden", "prepare", "--url", pg.jdbcUrl("postgres"), "--user", pg.user(), "--password-env",
        "CLONE_PW", "--prefix", prefix, "--scripts", schema.toString(), "--subset"};

    Result prepared = MainTest.run(env, concat(home, subset.toString()));
    assertThat(prepared.code()).as(prepared.err()).isZero();
    assertThat(prepared.out()).contains("subset kept:", "public.orders: 2 row(s) (2 filter id <= 2)",
        "public.customers: 2 row(s) (2 referenced by public.orders orders_customer_id_fkey)");

    // prepared again: the same golden, reused; its report is kept with its record and shown again
    Result again = MainTest.run(env, concat(home, subset.toString(), "--format", "json"));
    assertThat(again.code()).as(again.err()).isZero();
    JsonNode out = Json.read(again.out());
    assertThat(out.get("golden").get("description").asText()).contains("subset: orders: filter id <= 2");
    assertThat(out.get("subset").get("tables").get("public.orders").get("filter id <= 2").asLong()).isEqualTo(2);
    assertThat(out.get("subset").get("lines").toString()).contains("public.customers: 2 row(s)");
    try (CloneManager m = CloneManagers.databases(pg).databasePrefix(prefix).persistent(true).start()) {
      assertThat(m.subsetReport()).hasValueSatisfying(r -> {
        assertThat(r.rows("public.orders")).isEqualTo(2);
        assertThat(r.rows("public.customers")).isEqualTo(2);
      });
      assertThat(m.maskingReport()).isEmpty();
      try (Connection c = m.create("check").dataSource().getConnection(); Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT string_agg(id::text, ',' ORDER BY id) FROM customers")) {
        rs.next();
        assertThat(rs.getString(1)).isEqualTo("2,3");
      }
      m.list().forEach(x -> x.destroy());
    }

    Files.writeString(subset, "{\"tables\": {\"orders\": {\"filter\": \"id <= 2\"}}}");
    Result bad = MainTest.run(env, concat(home, subset.toString()));
    assertThat(bad.code()).isEqualTo(Main.ERROR);
    assertThat(bad.err()).contains("INVALID_INPUT", "$.tables[\"orders\"]", "unknown key \"filter\"").doesNotContain("\tat ");
  }

  private static String[] concat(String[] base, String... more) {
    String[] all = java.util.Arrays.copyOf(base, base.length + more.length);
    System.arraycopy(more, 0, all, base.length, more.length);
    return all;
  }
}
