package dev.lockplane.docs;

import java.io.File;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

/**
 * Compiles the examples in one javac run, in process, against the test classpath (which has every
 * published module), and hands each example its own errors, with Markdown line numbers.
 */
final class ExampleCompiler {
  private ExampleCompiler() {}

  /**
   * Writes the units below {@code outputRoot/src}, compiles them into {@code outputRoot/classes},
   * and returns each unit's errors (an empty list for a unit that compiled).
   */
  static Map<ExampleSource, List<String>> compile(List<ExampleSource> units, Path outputRoot) throws IOException {
    Path src = outputRoot.resolve("src");
    Path classes = outputRoot.resolve("classes");
    deleteTree(outputRoot);
    Files.createDirectories(classes);
    Map<Path, ExampleSource> byFile = new HashMap<>();
    List<File> files = new ArrayList<>();
    for (ExampleSource unit : units) {
      Path file = src.resolve(unit.relativePath());
      Files.createDirectories(file.getParent());
      Files.writeString(file, unit.text(), StandardCharsets.UTF_8);
      byFile.put(file.toAbsolutePath().normalize(), unit);
      files.add(file.toFile());
    }
    Map<ExampleSource, List<String>> errors = new HashMap<>();
    units.forEach(u -> errors.put(u, new ArrayList<>()));
    if (units.isEmpty()) {
      return errors;
    }

    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    if (javac == null) {
      throw new IllegalStateException("No Java compiler in this JVM: run the docs tests on a JDK, not a JRE.");
    }
    DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
    StringWriter out = new StringWriter();
    try (StandardJavaFileManager fm = javac.getStandardFileManager(diagnostics, Locale.ROOT, StandardCharsets.UTF_8)) {
      List<String> options = List.of(
          "--release", "17", "-proc:none", "-nowarn", "-encoding", "UTF-8",
          "-classpath", testClasspath(), "-d", classes.toString());
      javac.getTask(out, fm, diagnostics, options, null, fm.getJavaFileObjectsFromFiles(files)).call();
    }
    for (Diagnostic<? extends JavaFileObject> d : diagnostics.getDiagnostics()) {
      if (d.getKind() != Diagnostic.Kind.ERROR) {
        continue;
      }
      ExampleSource unit = d.getSource() == null ? null
          : byFile.get(Path.of(d.getSource().toUri()).toAbsolutePath().normalize());
      if (unit == null) {
        units.forEach(u -> errors.get(u).add(d.getMessage(Locale.ROOT)));
        continue;
      }
      long line = d.getLineNumber();
      String where = line >= 1 && unit.markdownLine(line) >= unit.example().firstLine()
          ? unit.example().file() + ":" + unit.markdownLine(line)
          : unit.example().where() + " (in the generated wrapper " + src.relativize(src.resolve(unit.relativePath())) + ":" + line + ")";
      errors.get(unit).add(where + ": " + d.getMessage(Locale.ROOT));
    }
    if (!out.toString().isBlank()) {
      units.forEach(u -> errors.get(u).add(out.toString().strip()));
    }
    return errors;
  }

  /** The directory the compiled examples are loaded from. */
  static Path classes(Path outputRoot) {
    return outputRoot.resolve("classes");
  }

  /**
   * The test classpath. Surefire starts its JVM from a manifest-only jar and publishes the real
   * classpath in {@code surefire.test.class.path}; elsewhere {@code java.class.path} is the real one.
   */
  private static String testClasspath() {
    String surefire = System.getProperty("surefire.test.class.path");
    return surefire != null && !surefire.isBlank() ? surefire : System.getProperty("java.class.path");
  }

  private static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (var paths = Files.walk(root)) {
      for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
