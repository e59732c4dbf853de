package dev.lockplane.clones;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lockplane.ErrorCode;
import dev.lockplane.LockplaneException;
import dev.lockplane.golden.FakeKind;
import dev.lockplane.golden.MaskRule;
import dev.lockplane.golden.MaskedColumn;
import dev.lockplane.golden.Masking;
import dev.lockplane.golden.MaskingKey;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Masking rules files: what they hold, and errors that name the place of a mistake. */
class MaskingFilesTest {
  @TempDir Path dir;

  @Test
  void aRulesFileGivesTheSameMaskingAsTheBuilder() throws Exception {
    Path file = dir.resolve("masking.json");
    Files.writeString(file, """
        {
          "$schema": "https://lockplane.dev/schemas/masking-rules.schema.json",
          "key": {"file": "mask.key"},
          "seed": 7,
          "strict": true,
          "tables": {
            "public.customers": {
              "id": "hash",
              "email": {"fake": "email"},
              "born": {"fake": "date_of_birth", "range_days": 90},
              "card": {"partial": 4},
              "note": "null",
              "tier": "shuffle",
              "country": {"constant": "XX"},
              "nick": "keep"
            },
            "orders": {"memo": {"sql": "'memo ' || id"}}
          }
        }
        """);
    Masking read = MaskingFiles.read(file);
    Masking built = Masking.builder().key(MaskingKey.file(dir.resolve("mask.key"))).seed(7).strict(true)
        .rule("customers", "id", MaskRule.hash())
        .rule("customers", "email", MaskRule.fake(FakeKind.EMAIL))
        .rule("customers", "born", MaskRule.dateOfBirth(90))
        .rule("customers", "card", MaskRule.partial(4))
        .rule("customers", "note", MaskRule.setNull())
        .rule("customers", "tier", MaskRule.shuffle())
        .rule("customers", "country", MaskRule.constant("XX"))
        .rule("customers", "nick", MaskRule.keep())
        .rule("orders", "memo", MaskRule.sql("'memo ' || id"))
        .build();
    assertThat(read).isEqualTo(built);
    assertThat(read.rules()).containsKey(new MaskedColumn("public", "orders", "memo"));
    Files.writeString(dir.resolve("mask.key"), "a key");
    assertThat(read.contentHash()).isEqualTo(built.contentHash());
  }

  @Test
  void malformedJsonIsReportedWithItsLineAndColumn() throws Exception {
    Path file = dir.resolve("broken.json");
    Files.writeString(file, "{\n  \"tables\": {\n    \"users\": {\"email\": \"hash\",}\n  }\n}\n");
    assertThatThrownBy(() -> MaskingFiles.read(file))
        .isInstanceOf(LockplaneException.class)
        .satisfies(e -> assertThat(((LockplaneException) e).code()).isEqualTo(ErrorCode.INVALID_INPUT))
        .hasMessageContaining(file.toString())
        .hasMessageContaining("line 3, column");
  }

  @Test
  void mistakesAreReportedWithTheirJsonPath() {
    List<String[]> cases = List.of(
        new String[] {"{\"tables\": {\"users\": {\"email\": {\"fak\": \"email\"}}}}", "$.tables['users'].email.fak: unknown key 'fak'"},
        new String[] {"{\"tables\": {\"users\": {\"email\": {\"fake\": \"emali\"}}}}", "$.tables['users'].email.fake: unknown fake kind 'emali'"},
        new String[] {"{\"tables\": {\"users\": {\"email\": \"scramble\"}}}", "$.tables['users'].email: unknown rule 'scramble'"},
        new String[] {"{\"tables\": {\"users\": {\"email\": {\"fake\": \"email\", \"partial\": 2}}}}", "$.tables['users'].email.partial: unknown key"},
        new String[] {"{\"tabels\": {}}", "$.tabels: unknown key 'tabels'"},
        new String[] {"{\"tables\": {}}", "$.tables: must be an object with at least one table"},
        new String[] {"{\"key\": \"s3cret\", \"tables\": {\"u\": {\"e\": \"hash\"}}}", "$.key: must be {\"env\""},
        new String[] {"{\"seed\": 1.5, \"tables\": {\"u\": {\"e\": \"keep\"}}}", "$.seed: must be an integer"},
        new String[] {"{\"tables\": {\"u\": {\"e\": {\"partial\": -1}}}}", "$.tables['u'].e: A partial rule keeps 0 or more"},
        new String[] {"{\"tables\": {\"u\": {\"e\": \"hash\"}}}", "needs a masking key"},
        new String[] {"{\"tables\": {\"u\": {\"e\": \"hash\", \"e\": \"keep\"}}}", "Duplicate field 'e'"});
    List<String> failures = new ArrayList<>();
    for (String[] c : cases) {
      try {
        MaskingFiles.parse(c[0], "rules.json", dir);
        failures.add("accepted: " + c[0]);
      } catch (LockplaneException e) {
        if (!e.getMessage().contains(c[1]) || !e.getMessage().contains("rules.json")) {
          failures.add(c[0] + " -> " + e.getMessage());
        }
        assertThat(e.getMessage()).doesNotContain("s3cret");
      }
    }
    assertThat(failures).isEmpty();
  }

  @Test
  void theJsonSchemaNamesEveryFakeKind() throws Exception {
    Path schema = Path.of("..", "docs", "masking-rules.schema.json");
    JsonNode root = new ObjectMapper().readTree(schema.toFile());
    List<String> kinds = new ArrayList<>();
    root.at("/$defs/rule/oneOf/1/properties/fake/enum").forEach(n -> kinds.add(n.asText()));
    assertThat(kinds).containsExactlyElementsOf(Arrays.stream(FakeKind.values()).map(FakeKind::fileName).toList());
    assertThat(root.at("/additionalProperties").asBoolean(true)).isFalse();
  }

  @Test
  void theBuilderRefusesASecondRuleForOneColumn() {
    Masking.Builder b = Masking.builder().rule("users", "email", MaskRule.setNull());
    assertThatThrownBy(() -> b.rule("public.users", "email", MaskRule.keep()))
        .isInstanceOf(LockplaneException.class)
        .hasMessageContaining("public.users.email was already set to null");
    assertThatThrownBy(() -> Masking.builder().seed(1).seed(2)).hasMessageContaining("already set to 1");
  }
}
