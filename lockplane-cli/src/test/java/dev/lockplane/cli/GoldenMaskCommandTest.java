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
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code lockplane golden prepare --mask RULES [--strict]}: the masking report, strict mode, bad rules files. */
class GoldenMaskCommandTest {
  private final LocalPostgres pg = SharedPostgres.get();
  @TempDir Path tmp;

  @Test
  void prepareMasksAndShowsTheReport() throws Exception {
    Path db = Files.createDirectories(tmp.resolve("db"));
    Files.writeString(db.resolve("V1__people.sql"), """
        CREATE TABLE people (id int PRIMARY KEY, email text NOT NULL, phone text);
        INSERT INTO people SELECT g, 'p' || g || '@corp.example', '+33 ' || g FROM generate_series(1, 20) g;
        """);
    String key = "cli-key-" + UUID.randomUUID();
    Files.writeString(tmp.resolve("mask.key"), key);
    Path rules = tmp.resolve("masking.json");
    Files.writeString(rules, """
        {"key": {"file": "mask.key"}, "tables": {"people": {"email": {"fake": "email"}}}}
        """);
    String prefix = "k" + UUID.randomUUID().toString().replace("-", "").substring(0, 8) + "_";
    Map<String, String> env = Map.of("CLONE_PW", pg.password());
    String[] home = {"golden", "prepare", "--url", pg.jdbcUrl("postgres"), "--user", pg.user(), "--password-env",
        "CLONE_PW", "--prefix", prefix, "--scripts", db.toString()};
    try {
      Result strict = MainTest.run(env, concat(home, "--mask", rules.toString(), "--strict"));
      assertThat(strict.code()).isEqualTo(Main.ERROR);
      assertThat(strict.err()).contains("INVALID_CONFIGURATION", "public.people.phone").doesNotContain(key);

      Result text = MainTest.run(env, concat(home, "--mask", rules.toString()));
      assertThat(text.code()).as(text.err()).isZero();
      assertThat(text.out()).contains("rule   public.people.email: fake(email)", "table  public.people: 20 rows",
          "unmasked (looks personal, no rule) public.people.phone").doesNotContain(key);

      Result json = MainTest.run(env, concat(home, "--mask", rules.toString(), "--format", "json"));
      assertThat(json.code()).as(json.err()).isZero();
      JsonNode masking = Json.read(json.out()).get("masking");
      assertThat(masking.get("rows").get("public.people").asLong()).isEqualTo(20);
      assertThat(masking.get("unmasked").get(0).asText()).isEqualTo("public.people.phone");

      Files.writeString(rules, "{\"tables\": {\"people\": {\"email\": {\"fake\": \"email\",}}}}");
      Result malformed = MainTest.run(env, concat(home, "--mask", rules.toString()));
      assertThat(malformed.code()).isEqualTo(Main.ERROR);
      assertThat(malformed.err()).contains("INVALID_INPUT", rules.toString(), "line 1, column");

      Result stray = MainTest.run(env, concat(home, "--strict"));
      assertThat(stray.code()).isEqualTo(Main.USAGE);
      assertThat(stray.err()).contains("--strict goes with --mask");
    } finally {
      try (CloneManager m = CloneManagers.databases(pg).databasePrefix(prefix).persistent(true).start()) {
        m.list().forEach(c -> c.destroy());
      } catch (dev.lockplane.LockplaneException none) {
        // nothing was prepared
      }
    }
  }

  private static String[] concat(String[] a, String... b) {
    String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, all, a.length, b.length);
    return all;
  }
}
