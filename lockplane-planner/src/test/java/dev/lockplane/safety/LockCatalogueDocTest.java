package dev.lockplane.safety;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lockplane.internal.safety.CatalogueDocument;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * {@code docs/safety.md} shows the catalogue exactly as the code holds it. Run with
 * {@code -Dlockplane.updateDocs=true} to regenerate the table after changing the catalogue.
 */
class LockCatalogueDocTest {
  @Test
  void theDocumentedTableIsTheCatalogue() throws IOException {
    Path doc = Path.of(System.getProperty("maven.multiModuleProjectDirectory", ".."), "docs", "safety.md");
    if (!Files.exists(doc)) {
      doc = Path.of("..", "docs", "safety.md");
    }
    String text = Files.readString(doc, StandardCharsets.UTF_8);
    int begin = text.indexOf(CatalogueDocument.BEGIN);
    int end = text.indexOf(CatalogueDocument.END);
    assertThat(begin).as("%s has the marker %s", doc, CatalogueDocument.BEGIN).isNotNegative();
    assertThat(end).as("%s has the marker %s", doc, CatalogueDocument.END).isGreaterThan(begin);
    String table = CatalogueDocument.markdown(18, ExperimentServers.OLDER);
    String current = text.substring(begin + CatalogueDocument.BEGIN.length() + 1, end);
    if (Boolean.getBoolean("lockplane.updateDocs")) {
      Files.writeString(doc, text.substring(0, begin + CatalogueDocument.BEGIN.length() + 1) + table
          + text.substring(end), StandardCharsets.UTF_8);
      return;
    }
    assertThat(current).as("docs/safety.md is out of date: run the test with -Dlockplane.updateDocs=true")
        .isEqualTo(table);
  }
}
