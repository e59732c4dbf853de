package dev.lockplane.trace;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * {@code docs/traces.md} lists every trace rule with its safer alternative, exactly as the code holds
 * them. Run with {@code -Dlockplane.updateDocs=true} to regenerate the table after changing a rule.
 */
class TraceRuleDocTest {
  static final String BEGIN = "<!-- BEGIN GENERATED RULES: TraceRuleDocTest regenerates it -->";
  static final String END = "<!-- END GENERATED RULES -->";

  @Test
  void theDocumentedTableIsTheRules() throws IOException {
    Path doc = Path.of(System.getProperty("maven.multiModuleProjectDirectory", ".."), "docs", "traces.md");
    if (!Files.exists(doc)) {
      doc = Path.of("..", "docs", "traces.md");
    }
    String text = Files.readString(doc, StandardCharsets.UTF_8);
    int begin = text.indexOf(BEGIN);
    int end = text.indexOf(END);
    assertThat(begin).as("%s has the marker %s", doc, BEGIN).isNotNegative();
    assertThat(end).as("%s has the marker %s", doc, END).isGreaterThan(begin);
    StringBuilder table = new StringBuilder("| rule id | risk | what was observed | safer alternative |\n|---|---|---|---|\n");
    for (TraceRule r : TraceRule.values()) {
      table.append("| `").append(r.id()).append("` | ").append(r.risk().name().toLowerCase(Locale.ROOT)).append(" | ")
          .append(r.description().replace("|", "\\|")).append(" | ").append(r.saferAlternative().replace("|", "\\|"))
          .append(" |\n");
    }
    String current = text.substring(begin + BEGIN.length() + 1, end);
    if (Boolean.getBoolean("lockplane.updateDocs")) {
      Files.writeString(doc, text.substring(0, begin + BEGIN.length() + 1) + table + text.substring(end),
          StandardCharsets.UTF_8);
      return;
    }
    assertThat(current).as("docs/traces.md is out of date: run the test with -Dlockplane.updateDocs=true")
        .isEqualTo(table.toString());
  }
}
