package dev.lockplane.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code lockplane} launcher script (as written, before the build fills in its default jar):
 * it runs the jar {@code LOCKPLANE_JAR} names with the arguments given, on the parallel collector
 * unless {@code JAVA_OPTS} names another, and with the rest of {@code JAVA_OPTS}.
 */
class LauncherTest {
  @TempDir Path tmp;

  /** Stands in for the command line's jar: prints its arguments and a property. */
  public static final class Probe {
    private Probe() {}

    /**
     * Prints the arguments and a system property.
     *
     * @param args the arguments
     */
    public static void main(String[] args) {
      System.out.println("args: " + String.join("|", args));
      System.out.println("property: " + System.getProperty("lockplane.probe"));
    }
  }

  private Path probeJar() throws Exception {
    Path jar = tmp.resolve("probe.jar");
    Manifest m = new Manifest();
    m.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
    m.getMainAttributes().put(Attributes.Name.MAIN_CLASS, Probe.class.getName());
    String entry = Probe.class.getName().replace('.', '/') + ".class";
    try (OutputStream out = Files.newOutputStream(jar); JarOutputStream j = new JarOutputStream(out, m)) {
      j.putNextEntry(new JarEntry(entry));
      try (var in = Probe.class.getClassLoader().getResourceAsStream(entry)) {
        in.transferTo(j);
      }
      j.closeEntry();
    }
    return jar;
  }

  private String run(Path jar, String javaOpts, String... args) throws Exception {
    List<String> command = new java.util.ArrayList<>(List.of("sh", Path.of("src/main/dist/lockplane").toAbsolutePath().toString()));
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    pb.environment().put("LOCKPLANE_JAR", jar.toString());
    pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
    pb.environment().put("JAVA_OPTS", javaOpts);
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor()).as(out).isZero();
    return out;
  }

  @Test
  void theParallelCollectorUnlessJavaOptsNamesOne() throws Exception {
    Path jar = probeJar();
    // the JVM prints the flags it runs with, the collector among them
    String flags = "-XX:+PrintCommandLineFlags";
    String plain = run(jar, flags, "backup", "restore", "an argument with spaces");
    assertThat(plain).contains("-XX:+UseParallelGC").contains("args: backup|restore|an argument with spaces");
    assertThat(run(jar, flags + " -Dlockplane.probe=yes -Xmx256m", "x")).contains("-XX:+UseParallelGC")
        .contains("property: yes");
    assertThat(run(jar, flags + " -XX:+UseSerialGC", "x")).contains("-XX:+UseSerialGC").doesNotContain("UseParallelGC");
    assertThat(run(jar, "-Xmx256m -XX:+UseG1GC -Dlockplane.probe=g1 " + flags, "x")).contains("-XX:+UseG1GC")
        .doesNotContain("UseParallelGC").contains("property: g1");
  }

  @Test
  void aMissingJarIsNamedWithWhatToDo() throws Exception {
    ProcessBuilder pb = new ProcessBuilder("sh", Path.of("src/main/dist/lockplane").toAbsolutePath().toString(), "--help")
        .redirectErrorStream(true);
    pb.environment().put("LOCKPLANE_JAR", tmp.resolve("no-such.jar").toString());
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor()).isEqualTo(1);
    assertThat(out).contains("no jar at " + tmp.resolve("no-such.jar")).contains("LOCKPLANE_JAR");
  }
}
