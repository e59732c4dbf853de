package dev.lockplane.docs;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the {@code ```java} blocks of a Markdown file, with the markers that say what to do with
 * them. A marker is an HTML comment (invisible on a rendered page) on the last non-blank line
 * before the block:
 *
 * <ul>
 *   <li>{@code <!-- example: compile -->} compile it (the default for an unmarked block);
 *   <li>{@code <!-- example: run -->} compile it and run it against a real embedded PostgreSQL;
 *   <li>{@code <!-- example: skip the reason -->} neither; the reason is required.
 * </ul>
 *
 * <p>{@code <!-- example-givens: DataSource dataSource; LocalPostgres pg -->} anywhere in a file
 * declares the variables that its fragments use without declaring them.
 */
final class MarkdownExamples {
  private static final Pattern FENCE = Pattern.compile("^ {0,3}(```+|~~~+)\\s*([\\w+-]*).*$");
  private static final Pattern MARKER =
      Pattern.compile("^\\s*<!--\\s*example:\\s*(\\S+)\\s*(.*?)\\s*-->\\s*$");
  private static final Pattern GIVENS =
      Pattern.compile("^\\s*<!--\\s*example-givens:\\s*(.*?)\\s*-->\\s*$");

  /** What the build does with a block. */
  enum Mode {
    COMPILE,
    RUN,
    SKIP
  }

  /**
   * One {@code ```java} block.
   *
   * @param file the Markdown file, relative to the repository root, for messages
   * @param index the block's position among the file's java blocks, from 1
   * @param firstLine the Markdown line of the block's first code line, from 1
   * @param mode what to do with it
   * @param note the skip reason, or a problem with the marker (then the block fails)
   * @param code the block's text
   * @param givens the file's given variables, each "Type name"
   */
  record Example(
      String file, int index, int firstLine, Mode mode, String note, String code, List<String> givens) {
    /** Where the block starts, as file:line. */
    String where() {
      return file + ":" + firstLine;
    }

    /** A problem with the marker, or null. */
    String markerProblem() {
      return mode == null ? note : null;
    }
  }

  private MarkdownExamples() {}

  /** Reads every java block of {@code markdown}, named {@code displayName} in messages. */
  static List<Example> read(Path markdown, String displayName) throws IOException {
    List<String> lines = Files.readAllLines(markdown, StandardCharsets.UTF_8);
    List<String> givens = new ArrayList<>();
    for (String line : lines) {
      Matcher g = GIVENS.matcher(line);
      if (g.matches()) {
        for (String given : g.group(1).split(";")) {
          if (!given.isBlank()) {
            givens.add(given.strip());
          }
        }
      }
    }

    List<Example> examples = new ArrayList<>();
    String fence = null;
    boolean java = false;
    int start = 0;
    StringBuilder code = new StringBuilder();
    Mode mode = Mode.COMPILE;
    String note = null;
    String pendingMarker = null;
    int pendingMarkerLine = 0;
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      if (fence != null) {
        if (line.strip().startsWith(fence) && line.strip().replace(fence.substring(0, 1), "").isEmpty()) {
          if (java) {
            examples.add(new Example(displayName, examples.size() + 1, start, mode, note, code.toString(), givens));
          }
          fence = null;
        } else if (java) {
          code.append(line).append('\n');
        }
        continue;
      }
      Matcher f = FENCE.matcher(line);
      if (f.matches()) {
        fence = f.group(1);
        java = f.group(2).toLowerCase(Locale.ROOT).equals("java");
        if (pendingMarker != null && !java) {
          examples.add(markerProblem(displayName, examples.size() + 1, pendingMarkerLine,
              "the example marker is not followed by a ```java block", givens));
        }
        if (java) {
          start = i + 2;
          code.setLength(0);
          mode = Mode.COMPILE;
          note = null;
          if (pendingMarker != null) {
            Matcher m = MARKER.matcher(pendingMarker);
            m.matches();
            String word = m.group(1).toLowerCase(Locale.ROOT);
            String rest = m.group(2);
            switch (word) {
              case "compile" -> mode = Mode.COMPILE;
              case "run" -> mode = Mode.RUN;
              case "skip" -> {
                mode = Mode.SKIP;
                note = rest;
                if (rest.isBlank()) {
                  mode = null;
                  note = "'example: skip' needs a reason, e.g. <!-- example: skip needs a ZFS pool -->";
                }
              }
              default -> {
                mode = null;
                note = "unknown example mode '" + word + "': use compile, run or skip <reason>";
              }
            }
          }
        }
        pendingMarker = null;
        continue;
      }
      if (MARKER.matcher(line).matches()) {
        pendingMarker = line;
        pendingMarkerLine = i + 1;
      } else if (!line.isBlank() && pendingMarker != null) {
        examples.add(markerProblem(displayName, examples.size() + 1, pendingMarkerLine,
            "the example marker is not followed by a ```java block", givens));
        pendingMarker = null;
      }
    }
    if (fence != null && java) {
      examples.add(markerProblem(displayName, examples.size() + 1, start, "the ```java block is not closed", givens));
    }
    return examples;
  }

  private static Example markerProblem(String file, int index, int line, String problem, List<String> givens) {
    return new Example(file, index, line, null, problem, "", givens);
  }
}
