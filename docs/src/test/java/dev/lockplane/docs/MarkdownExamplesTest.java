package dev.lockplane.docs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lockplane.docs.MarkdownExamples.Example;
import dev.lockplane.docs.MarkdownExamples.Mode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The example markers, the wrapping of fragments, and errors reported at their Markdown line. */
class MarkdownExamplesTest {
  @TempDir Path dir;

  private List<Example> read(String markdown) throws Exception {
    Path file = Files.writeString(dir.resolve("page.md"), markdown);
    return MarkdownExamples.read(file, "docs/page.md");
  }

  @Test
  void markersGivensAndLines() throws Exception {
    List<Example> examples = read(String.join("\n",
        "# Page",                                        // 1
        "<!-- example-givens: DataSource ds; int n -->", // 2
        "```java",                                       // 3
        "int a = n;",                                    // 4
        "```",                                           // 5
        "<!-- example: run -->",                         // 6
        "",                                              // 7
        "```java",                                       // 8
        "ds.getConnection().close();",                   // 9
        "```",                                           // 10
        "```sql",                                        // 11
        "SELECT 1;",                                     // 12
        "```",                                           // 13
        "<!-- example: skip needs a ZFS pool -->",       // 14
        "```java",                                       // 15
        "zfs();",                                        // 16
        "```",                                           // 17
        ""));
    assertThat(examples).extracting(Example::mode).containsExactly(Mode.COMPILE, Mode.RUN, Mode.SKIP);
    assertThat(examples).extracting(Example::firstLine).containsExactly(4, 9, 16);
    assertThat(examples.get(0).givens()).containsExactly("DataSource ds", "int n");
    assertThat(examples.get(1).code()).isEqualTo("ds.getConnection().close();\n");
    assertThat(examples.get(2).note()).isEqualTo("needs a ZFS pool");
    assertThat(examples).extracting(Example::markerProblem).containsOnlyNulls();
  }

  @Test
  void badMarkersAreReported() throws Exception {
    List<Example> examples = read(String.join("\n",
        "<!-- example: skip -->",
        "```java",
        "int a = 1;",
        "```",
        "<!-- example: maybe -->",
        "```java",
        "int b = 1;",
        "```",
        "<!-- example: run -->",
        "Some prose where a block was.",
        ""));
    assertThat(examples).extracting(Example::markerProblem).containsExactly(
        "'example: skip' needs a reason, e.g. <!-- example: skip needs a ZFS pool -->",
        "unknown example mode 'maybe': use compile, run or skip <reason>",
        "the example marker is not followed by a ```java block");
  }

  @Test
  void fragmentsAreWrappedAndClassesCompiledAsFiles() throws Exception {
    List<Example> examples = read(String.join("\n",
        "<!-- example-givens: DataSource ds -->",
        "```java",
        "import java.util.UUID;",
        "String id = UUID.randomUUID().toString();",
        "try (Connection c = ds.getConnection()) { }",
        "```",
        "```java",
        "@LockplaneTest(scripts = \"db/schema.sql\")",
        "class ShopTest {",
        "  @Test void works(DataSource db) { }",
        "}",
        "```",
        ""));
    ExampleSource fragment = ExampleSource.of(examples.get(0));
    ExampleSource file = ExampleSource.of(examples.get(1));
    assertThat(fragment.fragment()).isTrue();
    assertThat(fragment.text()).contains("  DataSource ds;\n", "import java.util.UUID;\n",
        "public void example() throws Exception {\n");
    assertThat(file.fragment()).isFalse();
    assertThat(file.className()).isEqualTo("ShopTest");
    assertThat(file.packageName()).isNotEqualTo(fragment.packageName());

    Map<ExampleSource, List<String>> errors = ExampleCompiler.compile(List.of(fragment, file), dir.resolve("out"));
    assertThat(errors.get(fragment)).isEmpty();
    assertThat(errors.get(file)).isEmpty();
    assertThat(ExampleCompiler.classes(dir.resolve("out")).resolve(file.relativePath().replace(".java", ".class")))
        .exists();
  }

  @Test
  void compileErrorsNameTheMarkdownLine() throws Exception {
    List<Example> examples = read(String.join("\n",
        "Text.",                          // 1
        "```java",                        // 2
        "import java.util.UUID;",         // 3
        "int fine = 1;",                  // 4
        "int broken = noSuchVariable;",   // 5
        "```",
        ""));
    ExampleSource unit = ExampleSource.of(examples.get(0));
    List<String> errors = ExampleCompiler.compile(List.of(unit), dir.resolve("out")).get(unit);
    assertThat(errors).hasSize(1);
    assertThat(errors.get(0)).startsWith("docs/page.md:5: cannot find symbol").contains("noSuchVariable");
  }
}
