package dev.lockplane.trace;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lockplane.testing.Requirements;
import java.awt.image.BufferedImage;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;

/**
 * Debian's {@code chromium}, run headless on a local page with a private profile: the page's DOM
 * after its scripts ran, or a screenshot. Tests that render HTML or SVG use it; where chromium is
 * missing they skip (fail under {@code LOCKPLANE_REQUIRE_COW=1}, see {@link Requirements}).
 */
public final class HeadlessChromium {
  private final String executable;
  private final Path dir;

  private HeadlessChromium(String executable, Path dir) {
    this.executable = executable;
    this.dir = dir;
  }

  /**
   * Chromium, working in a directory of the test's, or the test skipped (failed when strict).
   *
   * @param dir where profiles and outputs go
   * @return the browser
   */
  public static HeadlessChromium require(Path dir) {
    String chromium = find();
    Requirements.require(chromium != null, "chromium is not installed (apt-get install chromium)");
    return new HeadlessChromium(chromium, dir);
  }

  private static String find() {
    for (String d : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      for (String name : List.of("chromium", "chromium-browser")) {
        if (Files.isExecutable(Path.of(d, name))) {
          return Path.of(d, name).toString();
        }
      }
    }
    return null;
  }

  /**
   * The page's DOM after its scripts ran (and, with a virtual time budget, after its timers and promises).
   *
   * @param page the page
   * @param virtualTimeMillis how long the page may run in virtual time (0: until load)
   * @return the serialised DOM
   */
  public String dumpDom(Path page, int virtualTimeMillis) throws IOException, InterruptedException {
    List<String> args = new ArrayList<>();
    if (virtualTimeMillis > 0) {
      args.add("--virtual-time-budget=" + virtualTimeMillis);
    }
    args.add("--dump-dom");
    args.add(page.toUri().toString());
    return run(args);
  }

  /**
   * A screenshot of the page.
   *
   * @param page the page
   * @param width window width
   * @param height window height
   * @return the image
   */
  public BufferedImage screenshot(Path page, int width, int height) throws IOException, InterruptedException {
    Path png = Files.createTempFile(dir, "screenshot", ".png");
    run(List.of("--hide-scrollbars", "--window-size=" + width + "," + height, "--screenshot=" + png,
        page.toUri().toString()));
    BufferedImage image = ImageIO.read(png.toFile());
    assertThat(image).as("the screenshot %s", png).isNotNull();
    return image;
  }

  /** Runs headless Chromium with a private profile and returns its standard output. */
  private String run(List<String> args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(executable, "--headless", "--no-sandbox", "--disable-gpu",
        "--no-first-run", "--user-data-dir=" + Files.createTempDirectory(dir, "profile")));
    command.addAll(args);
    Path out = Files.createTempFile(dir, "chromium", ".out");
    Path err = Files.createTempFile(dir, "chromium", ".err");
    Process p = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    try {
      boolean done = p.waitFor(90, TimeUnit.SECONDS);
      assertThat(done).as("chromium finished within 90 s: %s", Files.readString(err)).isTrue();
      assertThat(p.exitValue()).as("chromium's exit code: %s", Files.readString(err)).isZero();
      return Files.readString(out);
    } finally {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
    }
  }
}
