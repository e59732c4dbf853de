package dev.lockplane.internal.erd;

import dev.lockplane.internal.erd.Diagram.Attribute;
import dev.lockplane.internal.erd.Diagram.Change;
import dev.lockplane.internal.erd.Diagram.Entity;
import dev.lockplane.internal.erd.Diagram.Link;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Mermaid {@code erDiagram} text, which GitHub and GitLab render in Markdown. Names and types are
 * reduced to the characters Mermaid's grammar accepts (a type {@code numeric(10,2)} becomes {@code
 * numeric(10-2)}, spaces become underscores); a name that is not a plain word is quoted. Changes are
 * marked twice: as class definitions (coloured where Mermaid supports styling entities) and as
 * attribute comments ("added", "dropped", "type integer → bigint"), which every version shows.
 */
public final class MermaidWriter {
  private static final Pattern WORD = Pattern.compile("[A-Za-z_][A-Za-z0-9_-]*");

  private MermaidWriter() {}

  /** The diagram as Mermaid text, ending with a newline. */
  public static String write(Diagram d) {
    StringBuilder b = new StringBuilder("erDiagram\n");
    for (Entity e : d.entities()) {
      if (!e.note().isEmpty() && e.change() == Change.CHANGED) {
        b.append("  %% ").append(e.label()).append(": ").append(e.note().replace('\n', ' ')).append('\n');
      }
      b.append("  ").append(name(e.label())).append(" {\n");
      for (Attribute a : e.attributes()) {
        b.append("    ").append(type(a.type())).append(' ').append(attributeName(a.name()));
        List<String> keys = new ArrayList<>();
        if (a.primaryKey()) {
          keys.add("PK");
        }
        if (a.foreignKey()) {
          keys.add("FK");
        }
        if (a.unique() && !a.primaryKey()) {
          keys.add("UK");
        }
        if (!keys.isEmpty()) {
          b.append(' ').append(String.join(", ", keys));
        }
        String comment = comment(a);
        if (!comment.isEmpty()) {
          b.append(" \"").append(comment.replace('"', '\'')).append('"');
        }
        b.append('\n');
      }
      b.append("  }\n");
    }
    for (Link l : d.links()) {
      Entity child = d.entity(l.child());
      Entity parent = d.entity(l.parent());
      b.append("  ").append(name(parent.label())).append(' ').append(l.required() ? "||" : "|o").append("--")
          .append(l.oneToOne() ? "o|" : "o{").append(' ').append(name(child.label())).append(" : \"")
          .append(String.join(", ", l.columns())).append(l.change() == Change.DROPPED ? " (dropped)" : "")
          .append("\"\n");
    }
    boolean marked = d.entities().stream().anyMatch(e -> e.change() != Change.NONE);
    if (marked) {
      b.append("  classDef added fill:#dafbe1,stroke:#1a7f37\n");
      b.append("  classDef dropped fill:#ffebe9,stroke:#cf222e\n");
      b.append("  classDef changed fill:#fff8c5,stroke:#9a6700\n");
      for (Change c : List.of(Change.ADDED, Change.DROPPED, Change.CHANGED)) {
        List<String> names = d.entities().stream().filter(e -> e.change() == c).map(e -> name(e.label())).toList();
        if (!names.isEmpty()) {
          b.append("  class ").append(String.join(",", names)).append(' ')
              .append(c.name().toLowerCase(Locale.ROOT)).append('\n');
        }
      }
    }
    return b.toString();
  }

  private static String comment(Attribute a) {
    if (a.change() != Change.NONE) {
      return a.note().isEmpty() ? a.change().name().toLowerCase(Locale.ROOT) : a.note();
    }
    return "";
  }

  private static String name(String label) {
    return WORD.matcher(label).matches() ? label : "\"" + label.replace('"', '\'') + "\"";
  }

  private static String attributeName(String name) {
    String s = name.replaceAll("[^A-Za-z0-9_-]", "_");
    return s.isEmpty() || !Character.isLetter(s.charAt(0)) && s.charAt(0) != '_' ? "_" + s : s;
  }

  /** A type as Mermaid accepts it: letters, digits, {@code _-()[]}, starting with a letter. */
  private static String type(String type) {
    String s = type.replace(", ", "-").replace(',', '-').replace(' ', '_').replaceAll("[^A-Za-z0-9_()\\[\\]-]", "_");
    return s.isEmpty() || !Character.isLetter(s.charAt(0)) ? "t_" + s : s;
  }
}
