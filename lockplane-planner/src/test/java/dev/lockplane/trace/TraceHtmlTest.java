package dev.lockplane.trace;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lockplane.clone.CloneManager;
import dev.lockplane.clone.Golden;
import dev.lockplane.clone.Script;
import dev.lockplane.clones.CloneManagers;
import dev.lockplane.testing.SharedPostgres;
import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HTML report of a trace, rendered by a real headless Chromium (Debian's {@code chromium}): its
 * script runs without error, and the screenshot shows the ACCESS EXCLUSIVE bar of the lock timeline.
 */
class TraceHtmlTest {
  private static final int ACCESS_EXCLUSIVE_RGB = 0xa50f15;

  @TempDir Path dir;

  @Test
  void theReportRendersInAHeadlessBrowserWithItsLockTimeline() throws Exception {
    String prefix = "th" + UUID.randomUUID().toString().replace("-", "").substring(0, 6) + "_";
    TraceReport report;
    try (CloneManager clones = CloneManagers.databases(SharedPostgres.get()).golden(Golden.fromScripts(List.of(Script.of("o.sql",
        "CREATE TABLE orders (id int, amount int); INSERT INTO orders SELECT g, g FROM generate_series(1, 20000) g;"
            + "CREATE TABLE customers (id int);"))))
        .databasePrefix(prefix).start()) {
      report = MigrationTrace.builder().source(new MigrationSource.SqlScripts(List.of(Script.of("V1__change.sql", """
          SET lock_timeout = '1s';
          BEGIN;
          ALTER TABLE orders ALTER COLUMN amount TYPE bigint;
          ALTER TABLE customers ADD COLUMN name text;
          COMMIT;
          """)))).on(clones).build().run();
    }
    String html = report.renderHtml();
    assertThat(html).startsWith("<!DOCTYPE html>").contains("<svg id=\"timeline\"", "class=\"lock\"",
        "<title>ACCESS EXCLUSIVE on orders for", "column-type-rewrite", "several-tables-locked")
        .doesNotContain("src=\"http", "href=\"http");
    for (TracedStatement s : report.statements()) {
      assertThat(html).contains("<tr data-statement=\"" + s.number() + "\"");
    }
    Path page = dir.resolve("trace.html");
    Files.writeString(page, html, StandardCharsets.UTF_8);

    HeadlessChromium chromium = HeadlessChromium.require(dir);
    String dom = chromium.dumpDom(page, 0);
    // The page's own scripts set these attributes on <html>: ready when they ran, errors if any threw.
    String root = dom.substring(dom.indexOf("<html"), dom.indexOf('>', dom.indexOf("<html")) + 1);
    assertThat(root).contains("data-ready=\"true\"").doesNotContain("data-errors");

    BufferedImage image = chromium.screenshot(page, 1200, 900);
    Set<Integer> colours = new HashSet<>();
    boolean bar = false;
    for (int y = 0; y < image.getHeight(); y++) {
      for (int x = 0; x < image.getWidth(); x++) {
        int rgb = image.getRGB(x, y) & 0xffffff;
        colours.add(rgb);
        bar |= rgb == ACCESS_EXCLUSIVE_RGB;
      }
    }
    assertThat(colours.size()).as("distinct colours in the screenshot").isGreaterThan(10);
    assertThat(bar).as("an ACCESS EXCLUSIVE bar is on the screenshot").isTrue();
  }
}
