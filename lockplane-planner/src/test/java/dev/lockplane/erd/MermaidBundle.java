package dev.lockplane.erd;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lockplane.testing.Requirements;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A local copy of Mermaid's browser bundle, fetched once with {@code npm pack} into the module's
 * {@code target} directory, so that a test page renders Mermaid text offline in headless Chromium.
 * Without npm, or when npm cannot fetch it, the test skips (fails under {@code LOCKPLANE_REQUIRE_COW=1}).
 */
final class MermaidBundle {
  static final String VERSION = "11.17.2";
  static final Path CACHE = Path.of("target", "test-tools", "mermaid-" + VERSION, "mermaid.min.js").toAbsolutePath();

  private MermaidBundle() {}

  /** Makes sure the bundle is in {@link #CACHE}, or skips the test with the reason. */
  static void require(Path work) throws Exception {
    if (Files.isRegularFile(CACHE)) {
      return;
    }
    String npm = null;
    for (String d : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      if (Files.isExecutable(Path.of(d, "npm"))) {
        npm = Path.of(d, "npm").toString();
      }
    }
    Requirements.require(npm != null, "npm is not installed (apt-get install npm): it fetches Mermaid to render "
        + "the diagram's Mermaid text");
    Path download = Files.createTempDirectory(work, "npm");
    String packed = run(download, npm, "pack", "mermaid@" + VERSION, "--pack-destination", download.toString());
    Requirements.require(packed != null, "npm pack mermaid@" + VERSION + " failed (no access to the npm registry?)");
    Path tgz = download.resolve("mermaid-" + VERSION + ".tgz");
    assertThat(run(download, "tar", "xzf", tgz.toString(), "-C", download.toString(), "package/dist/mermaid.min.js"))
        .as("tar extracted mermaid.min.js").isNotNull();
    Files.createDirectories(CACHE.getParent());
    Path partial = Files.createTempFile(CACHE.getParent(), "mermaid", ".partial");
    Files.copy(download.resolve("package/dist/mermaid.min.js"), partial, StandardCopyOption.REPLACE_EXISTING);
    Files.move(partial, CACHE, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  /** A page that renders Mermaid text and writes "rendered", "width N" and the drawing's text into {@code <pre id="result">}. */
  static Path page(Path dir, String mermaid) throws Exception {
    String html = "<!DOCTYPE html><html><body><div id=\"d\"></div><pre id=\"result\"></pre>"
        + "<script src=\"" + CACHE.toUri() + "\"></script><script>\n"
        + "const text = " + jsString(mermaid) + ";\n"
        + """
        mermaid.initialize({startOnLoad: false, securityLevel: 'strict'});
        mermaid.render('erd', text).then(r => {
          document.getElementById('d').innerHTML = r.svg;
          const svg = document.querySelector('#d svg');
          const w = svg.viewBox.baseVal ? svg.viewBox.baseVal.width : svg.getBoundingClientRect().width;
          document.getElementById('result').textContent = 'rendered\\nwidth ' + Math.round(w) + '\\n' + svg.textContent;
        }).catch(e => { document.getElementById('result').textContent = 'error ' + e; });
        </script></body></html>
        """;
    Path page = dir.resolve("mermaid.html");
    Files.writeString(page, html, StandardCharsets.UTF_8);
    return page;
  }

  private static String jsString(String text) {
    return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n").replace("</", "<\\/") + "\"";
  }

  /** Runs a command; its output, or null when it failed or took more than two minutes. */
  private static String run(Path dir, String... command) throws Exception {
    Path out = Files.createTempFile(dir, "out", ".txt");
    Process p = new ProcessBuilder(List.of(command)).directory(dir.toFile()).redirectErrorStream(true)
        .redirectOutput(out.toFile()).start();
    try {
      return p.waitFor(120, TimeUnit.SECONDS) && p.exitValue() == 0 ? Files.readString(out) : null;
    } finally {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
    }
  }
}
