package dev.lockplane.docs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lockplane.docs.MarkdownExamples.Example;
import dev.lockplane.docs.MarkdownExamples.Mode;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every {@code ```java} block of README.md and docs/*.md, taken from the Markdown itself, compiled,
 * and run where it is marked {@code <!-- example: run -->} (see {@link MarkdownExamples} for the
 * markers). One dynamic test per block, named after its file and line.
 */
class DocExamplesTest {

  @TestFactory
  Stream<DynamicTest> everyJavaBlockOfTheDocs() throws IOException {
    Path root = repositoryRoot();
    List<Example> examples = new ArrayList<>(MarkdownExamples.read(root.resolve("README.md"), "README.md"));
    try (Stream<Path> md = Files.list(root.resolve("docs"))) {
      for (Path file : md.filter(p -> p.toString().endsWith(".md")).sorted().toList()) {
        examples.addAll(MarkdownExamples.read(file, "docs/" + file.getFileName()));
      }
    }
    assertThat(examples).as("java blocks in %s", root).isNotEmpty();

    List<ExampleSource> units = examples.stream()
        .filter(e -> e.mode() == Mode.COMPILE || e.mode() == Mode.RUN)
        .map(ExampleSource::of)
        .toList();
    Path output = outputDirectory();
    Map<ExampleSource, List<String>> errors = ExampleCompiler.compile(units, output);
    URLClassLoader loader = new URLClassLoader(
        new URL[] {ExampleCompiler.classes(output).toUri().toURL()}, getClass().getClassLoader());

    long compiled = units.size();
    long run = examples.stream().filter(e -> e.mode() == Mode.RUN).count();
    long skipped = examples.stream().filter(e -> e.mode() == Mode.SKIP).count();
    System.out.printf("Documentation examples: %d blocks, %d compiled, %d of them run, %d skipped%n",
        examples.size(), compiled, run, skipped);

    return examples.stream().map(e -> DynamicTest.dynamicTest(e.where() + " " + label(e), () -> {
      if (e.markerProblem() != null) {
        throw new AssertionError(e.where() + ": " + e.markerProblem());
      }
      Assumptions.assumeTrue(e.mode() != Mode.SKIP, () -> "skipped: " + e.note());
      ExampleSource unit = units.stream().filter(u -> u.example() == e).findFirst().orElseThrow();
      List<String> problems = errors.get(unit);
      if (!problems.isEmpty()) {
        throw new AssertionError("The example at " + e.where() + " does not compile:\n  "
            + String.join("\n  ", problems) + "\n(generated source: "
            + output.resolve("src").resolve(unit.relativePath()) + ")");
      }
      if (e.mode() == Mode.RUN) {
        ExampleRunner.run(unit, loader);
      }
    }));
  }

  private static String label(Example e) {
    return e.mode() == null ? "(bad marker)" : "(" + e.mode().name().toLowerCase(java.util.Locale.ROOT) + ")";
  }

  /** Set by the build; from an IDE, found by walking up from the working directory. */
  private static Path repositoryRoot() {
    String configured = System.getProperty("lockplane.docs.root");
    if (configured != null) {
      return Path.of(configured).toAbsolutePath().normalize();
    }
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      if (Files.exists(p.resolve("README.md")) && Files.isDirectory(p.resolve("docs"))) {
        return p;
      }
    }
    throw new IllegalStateException("Cannot find the repository root (README.md beside docs/) above "
        + Path.of("").toAbsolutePath() + "; set -Dlockplane.docs.root=DIR");
  }

  private static Path outputDirectory() throws IOException {
    String configured = System.getProperty("lockplane.docs.examplesOutput");
    return configured != null ? Path.of(configured) : Files.createTempDirectory("lockplane-doc-examples");
  }
}
