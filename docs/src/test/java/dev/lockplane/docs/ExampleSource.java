package dev.lockplane.docs;

import dev.lockplane.docs.MarkdownExamples.Example;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Java compilation unit made from one Markdown block. A block that declares a top-level type
 * is compiled as a file of its own; any other block is a fragment of statements, compiled as the
 * body of {@code void example() throws Exception} in a class whose fields are the file's givens.
 * Both get the imports a reader of the docs assumes.
 *
 * @param example the block
 * @param packageName the unit's package (one per block, so that class names never collide)
 * @param className the class to load: the block's first top-level type, or {@code Example}
 * @param fragment whether the block was wrapped in a method
 * @param text the compilation unit
 * @param headerLines lines of {@code text} before the block's first line
 */
record ExampleSource(
    Example example, String packageName, String className, boolean fragment, String text, int headerLines) {

  /** The packages every example may use without importing them. */
  static final List<String> IMPORTS = List.of(
      "dev.lockplane.*",
      "dev.lockplane.backup.*",
      "dev.lockplane.clone.*",
      "dev.lockplane.clones.*",
      "dev.lockplane.instances.*",
      "dev.lockplane.migrate.*",
      "dev.lockplane.plan.*",
      "dev.lockplane.planner.*",
      "dev.lockplane.postgres.*",
      "dev.lockplane.safety.*",
      "dev.lockplane.schema.*",
      "dev.lockplane.storage.*",
      "dev.lockplane.testkit.*",
      "java.io.*",
      "java.nio.file.*",
      "java.sql.*",
      "java.time.*",
      "java.util.List",
      "java.util.Map",
      "java.util.Optional",
      "java.util.Set",
      "javax.sql.*",
      "org.jdbi.v3.core.*",
      "org.junit.jupiter.api.*",
      "org.junit.jupiter.api.io.*",
      "org.slf4j.Logger",
      "org.slf4j.LoggerFactory");

  /** The name of the wrapping class and method of a fragment. */
  static final String FRAGMENT_CLASS = "Example";

  static final String FRAGMENT_METHOD = "example";

  private static final Pattern TOP_LEVEL_TYPE = Pattern.compile(
      "^(?:@\\w+(?:\\(.*\\))?\\s+)*(?:(?:public|final|abstract|sealed|non-sealed|static)\\s+)*"
          + "(?:class|interface|enum|record|@interface)\\s+(\\w+)",
      Pattern.MULTILINE);

  /** Makes the compilation unit of {@code example}. */
  static ExampleSource of(Example example) {
    String stem = example.file().replaceAll(".*/", "").replaceAll("\\.md$", "")
        .toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "_");
    String pkg = "dev.lockplane.docs.examples." + stem + "_" + example.index();

    List<String> own = new ArrayList<>();
    StringBuilder body = new StringBuilder();
    boolean leading = true;
    for (String line : example.code().split("\n", -1)) {
      if (leading && line.startsWith("import ")) {
        own.add(line);
        body.append('\n');   // keeps the block's line numbers
        continue;
      }
      if (!line.isBlank()) {
        leading = false;
      }
      body.append(line).append('\n');
    }

    StringBuilder head = new StringBuilder();
    head.append("package ").append(pkg).append(";\n");
    for (String i : IMPORTS) {
      head.append("import ").append(i).append(";\n");
    }
    for (String i : own) {
      head.append(i).append('\n');
    }
    Matcher type = TOP_LEVEL_TYPE.matcher(example.code());
    if (type.find()) {
      // The block's own imports moved up; their lines in the body are left blank, so the
      // body's line k is still the block's line k.
      int headerLines = lines(head);
      return new ExampleSource(example, pkg, type.group(1), false, head + body.toString(), headerLines);
    }
    head.append("@SuppressWarnings(\"all\")\n");
    head.append("public class ").append(FRAGMENT_CLASS).append(" {\n");
    for (String given : example.givens()) {
      head.append("  ").append(given).append(";\n");
    }
    head.append("  public void ").append(FRAGMENT_METHOD).append("() throws Exception {\n");
    int headerLines = lines(head);
    return new ExampleSource(example, pkg, FRAGMENT_CLASS, true, head + body.toString() + "  }\n}\n", headerLines);
  }

  /** The fully qualified name of the class to load. */
  String qualifiedName() {
    return packageName + "." + className;
  }

  /** The path of the unit below a source root. */
  String relativePath() {
    return packageName.replace('.', '/') + "/" + className + ".java";
  }

  /** The Markdown line of a line of {@code text} (both from 1). */
  int markdownLine(long unitLine) {
    return example.firstLine() + (int) unitLine - headerLines - 1;
  }

  private static int lines(CharSequence s) {
    int n = 0;
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) == '\n') {
        n++;
      }
    }
    return n;
  }
}
