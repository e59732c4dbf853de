package dev.lockplane.clones;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lockplane.ErrorCode;
import dev.lockplane.LockplaneException;
import dev.lockplane.golden.Subset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Subset files: what they say, and how a broken one is refused. */
class SubsetFilesTest {
  static final String FULL = """
      {
        "$schema": "https://lockplane.dev/schemas/subset.schema.json",
        "tables": {
          "sales.orders": {"where": "created_at > now() - interval '90 days'"},
          "sales.customers": {"perValue": {"column": "country", "rows": 5}},
          "sales.events": {"sample": 10},
          "sales.countries": {"whole": true},
          "sales.regions": {"onlyReferenced": true}
        },
        "referencing": [{"table": "sales.order_items"}, {"table": "sales.notes", "constraint": "notes_order_fkey"}],
        "others": "empty",
        "edgeCases": ["nulls", "min-max"],
        "seed": 42
      }
      """;

  @Test
  void aFileSaysWhatTheBuilderSays(@TempDir Path dir) throws Exception {
    Path f = Files.writeString(dir.resolve("subset.json"), FULL);
    Subset expected = Subset.builder()
        .where("sales.orders", "created_at > now() - interval '90 days'")
        .perValue("sales.customers", "country", 5)
        .sample("sales.events", 10)
        .whole("sales.countries")
        .onlyReferenced("sales.regions")
        .alsoReferencing("sales.order_items")
        .alsoReferencing("sales.notes", "notes_order_fkey")
        .others(Subset.Others.EMPTY)
        .edgeCases(Subset.EdgeCase.NULLS, Subset.EdgeCase.MIN_MAX)
        .seed(42)
        .build();
    Subset read = SubsetFiles.read(f);
    assertThat(read).isEqualTo(expected);
    assertThat(read.contentHash()).isEqualTo(expected.contentHash());
    assertThat(SubsetFiles.read(f.toString(), getClass().getClassLoader())).isEqualTo(expected);
  }

  @Test
  void theSchemaDescribesEveryKeyTheReaderTakes() throws Exception {
    JsonNode schema = new ObjectMapper().readTree(Path.of("../docs/subset.schema.json").toFile());
    List<String> top = new ArrayList<>();
    schema.get("properties").fieldNames().forEachRemaining(top::add);
    assertThat(top).containsExactlyInAnyOrder("$schema", "tables", "referencing", "others", "edgeCases", "seed");
    List<String> rules = new ArrayList<>();
    schema.get("$defs").get("rows").get("properties").fieldNames().forEachRemaining(rules::add);
    assertThat(rules).containsExactlyInAnyOrder("where", "sample", "perValue", "whole", "onlyReferenced");
  }

  @Test
  void brokenFilesAreRefusedWithTheirLineOrPath() {
    assertThat(refused("{\n  \"tables\": {\n    \"a\": {\"where\": \"x\"},,\n  }\n}")).contains("line 3").contains("t.json");
    assertThat(refused("{\"tables\": {\"a\": {\"wher\": \"x > 1\"}}}"))
        .contains("$.tables[\"a\"]").contains("unknown key \"wher\"");
    assertThat(refused("{\"others\": \"delete\"}")).contains("$.others").contains("keep, empty or drop");
    assertThat(refused("{\"tables\": {\"a\": {\"where\": \"x\", \"sample\": 5}}}")).contains("exactly one");
    assertThat(refused("{\"tables\": {\"a\": {\"sample\": 150}}}")).contains("$.tables[\"a\"]").contains("150");
    assertThat(refused("{\"referencing\": [{\"constraint\": \"fk\"}]}")).contains("$.referencing[0].table");
    assertThat(refused("{\"colour\": 1}")).contains("unknown key \"colour\"");
    assertThat(refused("{\"tables\": {\"a\": {\"whole\": true}, \"a\": {\"whole\": true}}}")).contains("Duplicate field 'a'");
    assertThatThrownBy(() -> SubsetFiles.read(Path.of("no/such/subset.json")))
        .isInstanceOfSatisfying(LockplaneException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND));
  }

  @Test
  void theBuilderRefusesASecondSetting() {
    assertThatThrownBy(() -> Subset.builder().sample("a", 5).where("a", "x > 1"))
        .isInstanceOfSatisfying(LockplaneException.class, e -> assertThat(e.getMessage())
            .contains("already set to sample 5.0%"));
    assertThatThrownBy(() -> Subset.builder().others(Subset.Others.KEEP).others(Subset.Others.DROP))
        .hasMessageContaining("already set to KEEP");
    assertThat(Subset.builder().seed(1).build().contentHash()).isNotEqualTo(Subset.builder().seed(2).build().contentHash());
  }

  private static String refused(String json) {
    try {
      SubsetFiles.parse(json, "t.json");
    } catch (LockplaneException e) {
      assertThat(e.code()).isEqualTo(ErrorCode.INVALID_INPUT);
      return e.getMessage();
    }
    throw new AssertionError("accepted: " + json);
  }
}
