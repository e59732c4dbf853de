package dev.lockplane.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code lockplane} launcher script (as written, before the build fills in its default jar):
 * it runs the jar {@code LOCKPLANE_JAR} names with the arguments given, on the parallel collector
 * unless {@code JAVA_OPTS} names another, and with the rest of {@code JAVA_OPTS}; the classes of its
 * first run are archived for the runs after it (class data sharing).
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
      if (Boolean.getBoolean(Main.ARCHIVING)) {
        System.out.println("archiving");
      }
      if (args.length > 0 && args[0].startsWith("exit=")) {
        System.exit(Integer.parseInt(args[0].substring(5)));
      }
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
    return run(jar, javaOpts, Map.of(), 0, args);
  }

  private String run(Path jar, String javaOpts, Map<String, String> env, int status, String... args) throws Exception {
    List<String> command = new java.util.ArrayList<>(List.of("sh", Path.of("src/main/dist/lockplane").toAbsolutePath().toString()));
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    pb.environment().put("LOCKPLANE_JAR", jar.toString());
    pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
    pb.environment().put("JAVA_OPTS", javaOpts);
    // the archives of class data sharing go to this test's directory, not the user's cache
    pb.environment().put("XDG_CACHE_HOME", tmp.resolve("cache").toString());
    pb.environment().putAll(env);
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor()).as(out).isEqualTo(status);
    return out;
  }

  private List<Path> archives() throws Exception {
    Path dir = tmp.resolve("cache/lockplane");
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (var s = Files.list(dir)) {
      return s.sorted().toList();
    }
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
  void theFirstRunArchivesItsClassesAndTheNextRunsMapThem() throws Exception {
    Path jar = probeJar();
    String loads = "-Xlog:class+load=info";
    String first = run(jar, loads, "one", "two");
    assertThat(first).contains("args: one|two").contains(Probe.class.getName() + " source: file:")
        .contains("archiving").doesNotContain("[warning]");
    assertThat(archives()).hasSize(1).allSatisfy(a -> assertThat(a.getFileName().toString()).matches("cds-\\d+\\.jsa"));
    String second = run(jar, loads, "three");
    assertThat(second).contains("args: three").contains(Probe.class.getName() + " source: shared objects file")
        .doesNotContain("[warning]").doesNotContain("archiving");
    // the command's status comes through whether the run makes the archive or maps it
    // (and the JVM says nothing of archives: the output is the command's alone)
    assertThat(run(jar, "", Map.of(), 3, "exit=3")).isEqualTo("args: exit=3\nproperty: null\n");
    Files.delete(archives().get(0));
    assertThat(run(jar, "", Map.of(), 4, "exit=4")).isEqualTo("args: exit=4\nproperty: null\narchiving\n");
    assertThat(archives()).hasSize(1);

    // A newer jar (a new build) makes a new archive in the old one's place.
    Path archive = archives().get(0);
    Files.setLastModifiedTime(archive, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() - 60_000));
    long before = Files.getLastModifiedTime(archive).toMillis();
    assertThat(run(jar, loads, "again")).contains(Probe.class.getName() + " source: file:");
    assertThat(archives()).containsExactly(archive);
    assertThat(Files.getLastModifiedTime(archive).toMillis()).isGreaterThan(before);

    // A damaged archive is passed over in silence.
    Files.writeString(archive, "not an archive");
    assertThat(run(jar, loads, "damaged")).contains("args: damaged").contains(Probe.class.getName() + " source: file:")
        .doesNotContain("[warning]").doesNotContain("archive");
  }

  @Test
  void theRunThatWritesTheArchiveLoadsEveryCommandAfterItsOwn() throws Exception {
    // a run loads the classes of the commands it names only; the archive serves every later command
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    for (boolean archiving : new boolean[] {true, false}) {
      Process p = new ProcessBuilder(java, "-D" + Main.ARCHIVING + "=" + archiving, "-Xlog:class+load=info",
          "-cp", System.getProperty("java.class.path"), Main.class.getName(), "--version")
          .redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes());
      assertThat(p.waitFor()).as(out).isZero();
      assertThat(out).contains("lockplane ");
      String loaded = BackupListCommand.class.getName() + " source:";
      if (archiving) {
        assertThat(out).contains(loaded).contains(CloneOrphansCommand.class.getName() + " source:");
        assertThat(out.indexOf(loaded)).as("after the command's output").isGreaterThan(out.indexOf("lockplane "));
      } else {
        assertThat(out).doesNotContain(loaded);
      }
    }
  }

  @Test
  void classDataSharingIsLeftOutWhenAskedOrWhenJavaOptsChooseForIt() throws Exception {
    Path jar = probeJar();
    assertThat(run(jar, "", Map.of("LOCKPLANE_CDS", "off"), 0, "x")).contains("args: x");
    assertThat(run(jar, "-Xshare:auto", Map.of(), 0, "y")).contains("args: y");
    assertThat(archives()).isEmpty();
    // no cache directory to write to: the command runs as before
    Files.writeString(tmp.resolve("cache"), "a file where the directory would be");
    assertThat(run(jar, "", Map.of(), 0, "z")).isEqualTo("args: z\nproperty: null\n");
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
