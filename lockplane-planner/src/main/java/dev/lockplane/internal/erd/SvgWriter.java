package dev.lockplane.internal.erd;

import dev.lockplane.internal.erd.Diagram.Attribute;
import dev.lockplane.internal.erd.Diagram.Change;
import dev.lockplane.internal.erd.Diagram.Entity;
import dev.lockplane.internal.erd.Diagram.Link;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A standalone SVG drawing of a diagram, laid out by a small layered layout: a table referenced by
 * foreign keys sits in a row above the tables that refer to it, each row ordered by the mean position
 * of its parents (one barycentre pass, enough for schemas a person reads). Tables are boxes with a
 * header and one row per column (key marks, name, type); foreign keys are lines with crow's-foot
 * ends. Text is monospace so that box widths computed here match what a browser draws.
 */
public final class SvgWriter {
  private static final double CHAR = 7.3;
  private static final double HEADER = 26;
  private static final double ROW = 18;
  private static final double GAP_X = 60;
  private static final double GAP_Y = 70;
  private static final double MARGIN = 20;

  private record Box(Entity entity, double x, double y, double w, double h, double nameWidth) {
    double cx() {
      return x + w / 2;
    }

    double cy() {
      return y + h / 2;
    }
  }

  private SvgWriter() {}

  /** The diagram as an SVG document. */
  public static String write(Diagram d) {
    List<List<Entity>> layers = layers(d);
    Map<String, Box> boxes = new HashMap<>();
    double y = MARGIN;
    double width = 0;
    List<List<Box>> rows = new ArrayList<>();
    for (List<Entity> layer : layers) {
      double x = MARGIN;
      double height = 0;
      List<Box> row = new ArrayList<>();
      for (Entity e : layer) {
        Box b = size(e, x, y);
        row.add(b);
        x += b.w() + GAP_X;
        height = Math.max(height, b.h());
      }
      rows.add(row);
      width = Math.max(width, x - GAP_X + MARGIN);
      y += height + GAP_Y;
    }
    double totalWidth = Math.max(width, 2 * MARGIN + 100);
    for (List<Box> row : rows) {
      // Centre each row under the widest one.
      double rowWidth = row.isEmpty() ? 0 : row.get(row.size() - 1).x() + row.get(row.size() - 1).w() + MARGIN;
      double shift = (totalWidth - rowWidth) / 2;
      for (Box b : row) {
        boxes.put(b.entity().id(), new Box(b.entity(), b.x() + shift, b.y(), b.w(), b.h(), b.nameWidth()));
      }
    }
    double totalHeight = Math.max(y - GAP_Y + MARGIN, 2 * MARGIN + 40);
    StringBuilder s = new StringBuilder();
    s.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\" "
        + "viewBox=\"0 0 %.0f %.0f\" font-family=\"monospace\" font-size=\"12\">%n", totalWidth, totalHeight,
        totalWidth, totalHeight));
    s.append("""
        <style>
        .entity rect.body{fill:#ffffff;stroke:#57606a}
        .entity rect.head{fill:#3b5b92;stroke:#57606a}
        .entity text.title{fill:#ffffff;font-weight:bold;font-size:13px}
        .added rect.head{fill:#1a7f37}.added rect.body{fill:#dafbe1}
        .dropped rect.head{fill:#cf222e}.dropped rect.body{fill:#ffebe9}
        .changed rect.head{fill:#9a6700}.changed rect.body{fill:#fff8c5}
        rect.row-added{fill:#aceebb}rect.row-dropped{fill:#ffcecb}rect.row-changed{fill:#fae17d}
        text.row-dropped{text-decoration:line-through}
        .key{fill:#8250df;font-weight:bold}.type{fill:#57606a}
        .link{stroke:#57606a;stroke-width:1.3;fill:none}.link.dropped-link{stroke:#cf222e;stroke-dasharray:5 3}
        .end{stroke:#57606a;stroke-width:1.3;fill:#ffffff}
        </style>
        <defs>
        <marker id="one" viewBox="0 0 20 20" refX="20" refY="10" markerWidth="20" markerHeight="20" markerUnits="userSpaceOnUse" orient="auto-start-reverse"><path class="end" d="M12 3 V17 M16 3 V17"/></marker>
        <marker id="zero-or-one" viewBox="0 0 20 20" refX="20" refY="10" markerWidth="20" markerHeight="20" markerUnits="userSpaceOnUse" orient="auto-start-reverse"><path class="end" d="M16 3 V17"/><circle class="end" cx="8" cy="10" r="4"/></marker>
        <marker id="zero-or-many" viewBox="0 0 20 20" refX="20" refY="10" markerWidth="20" markerHeight="20" markerUnits="userSpaceOnUse" orient="auto-start-reverse"><path class="end" d="M12 10 L20 3 M12 10 L20 17 M12 10 H20"/><circle class="end" cx="7" cy="10" r="4"/></marker>
        </defs>
        """);
    for (Link l : d.links()) {
      link(s, l, boxes.get(l.child()), boxes.get(l.parent()));
    }
    for (List<Entity> layer : layers) {
      for (Entity e : layer) {
        entity(s, boxes.get(e.id()));
      }
    }
    return s.append("</svg>\n").toString();
  }

  /** Rows of entities: parents above children, each row ordered by its parents' positions. */
  private static List<List<Entity>> layers(Diagram d) {
    Map<String, List<String>> parents = new HashMap<>();
    for (Link l : d.links()) {
      if (!l.child().equals(l.parent())) {
        parents.computeIfAbsent(l.child(), k -> new ArrayList<>()).add(l.parent());
      }
    }
    Map<String, Integer> depth = new HashMap<>();
    for (Entity e : d.entities()) {
      depth(e.id(), parents, depth, new HashSet<>());
    }
    int max = depth.values().stream().mapToInt(Integer::intValue).max().orElse(-1);
    List<List<Entity>> layers = new ArrayList<>();
    for (int i = 0; i <= max; i++) {
      layers.add(new ArrayList<>());
    }
    d.entities().forEach(e -> layers.get(depth.get(e.id())).add(e));
    Map<String, Integer> position = new HashMap<>();
    for (List<Entity> layer : layers) {
      List<Entity> sorted = new ArrayList<>(layer);
      sorted.sort((a, b) -> Double.compare(centre(a, parents, position), centre(b, parents, position)));
      layer.clear();
      layer.addAll(sorted);
      for (int i = 0; i < layer.size(); i++) {
        position.put(layer.get(i).id(), i);
      }
    }
    return layers;
  }

  private static double centre(Entity e, Map<String, List<String>> parents, Map<String, Integer> position) {
    List<String> ps = parents.getOrDefault(e.id(), List.of());
    return ps.stream().filter(position::containsKey).mapToInt(position::get).average().orElse(Double.MAX_VALUE / 2);
  }

  private static int depth(String id, Map<String, List<String>> parents, Map<String, Integer> depth, Set<String> path) {
    Integer known = depth.get(id);
    if (known != null) {
      return known;
    }
    if (!path.add(id)) {
      return -1; // a cycle of foreign keys: the edge that closes it does not push the table down
    }
    int d = 0;
    for (String p : parents.getOrDefault(id, List.of())) {
      d = Math.max(d, depth(p, parents, depth, path) + 1);
    }
    path.remove(id);
    depth.put(id, d);
    return d;
  }

  private static Box size(Entity e, double x, double y) {
    int name = 4;
    int type = 4;
    for (Attribute a : e.attributes()) {
      name = Math.max(name, a.name().length());
      type = Math.max(type, a.type().length());
    }
    double nameWidth = name * CHAR;
    double w = Math.max(8 + 34 + nameWidth + 14 + type * CHAR + 8, e.label().length() * 8.2 + 20);
    double h = HEADER + e.attributes().size() * ROW + 6;
    return new Box(e, x, y, w, h, nameWidth);
  }

  private static void entity(StringBuilder s, Box b) {
    Entity e = b.entity();
    String css = e.change() == Change.NONE ? "entity" : "entity " + e.change().name().toLowerCase(Locale.ROOT);
    s.append("<g class=\"").append(css).append("\" data-table=\"").append(xml(e.id())).append("\">");
    if (!e.note().isEmpty()) {
      s.append("<title>").append(xml(e.label() + ": " + e.note())).append("</title>");
    }
    s.append(String.format(Locale.ROOT, "<rect class=\"body\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" rx=\"4\"/>",
        b.x(), b.y(), b.w(), b.h()));
    s.append(String.format(Locale.ROOT, "<rect class=\"head\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" rx=\"4\"/>",
        b.x(), b.y(), b.w(), HEADER));
    s.append(String.format(Locale.ROOT, "<text class=\"title\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%s</text>",
        b.cx(), b.y() + 17.5, xml(e.label())));
    double y = b.y() + HEADER;
    for (Attribute a : e.attributes()) {
      String row = a.change() == Change.NONE ? "" : "row-" + a.change().name().toLowerCase(Locale.ROOT);
      if (!row.isEmpty()) {
        s.append(String.format(Locale.ROOT, "<rect class=\"%s\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\">"
            + "<title>%s</title></rect>", row, b.x() + 1, y + 1, b.w() - 2, ROW, xml(a.name() + ": " + a.note())));
      }
      String keys = (a.primaryKey() ? "PK" : a.unique() ? "UK" : "") + (a.foreignKey() ? (a.primaryKey() || a.unique() ? "," : "") + "FK" : "");
      double base = y + 13;
      if (!keys.isEmpty()) {
        s.append(String.format(Locale.ROOT, "<text class=\"key\" x=\"%.1f\" y=\"%.1f\" font-size=\"10\">%s</text>",
            b.x() + 6, base, keys));
      }
      s.append(String.format(Locale.ROOT, "<text class=\"%s\" x=\"%.1f\" y=\"%.1f\">%s%s</text>", row.isEmpty() ? "name" : row,
          b.x() + 42, base, xml(a.name()), a.notNull() ? "" : "?"));
      s.append(String.format(Locale.ROOT, "<text class=\"type\" x=\"%.1f\" y=\"%.1f\">%s</text>",
          b.x() + 42 + b.nameWidth() + 14, base, xml(a.type())));
      y += ROW;
    }
    s.append("</g>\n");
  }

  private static void link(StringBuilder s, Link l, Box child, Box parent) {
    String css = l.change() == Change.DROPPED ? "link dropped-link" : "link";
    String start = l.oneToOne() ? "zero-or-one" : "zero-or-many";
    String end = l.required() ? "one" : "zero-or-one";
    String title = "<title>" + xml(l.name() + ": " + child.entity().label() + "(" + String.join(", ", l.columns())
        + ") → " + parent.entity().label()) + "</title>";
    if (child == parent) {
      double x = child.x() + child.w();
      double y1 = child.y() + HEADER / 2 + 4;
      double y2 = child.y() + Math.min(child.h() - 6, HEADER + ROW * 1.5);
      s.append(String.format(Locale.ROOT, "<path class=\"%s\" d=\"M%.1f %.1f H%.1f V%.1f H%.1f\" marker-start=\"url(#%s)\" "
          + "marker-end=\"url(#%s)\">%s</path>%n", css, x, y2, x + 30, y1, x, start, end, title));
      return;
    }
    double[] from = edge(child, parent.cx(), parent.cy());
    double[] to = edge(parent, child.cx(), child.cy());
    s.append(String.format(Locale.ROOT, "<path class=\"%s\" d=\"M%.1f %.1f L%.1f %.1f\" marker-start=\"url(#%s)\" "
        + "marker-end=\"url(#%s)\">%s</path>%n", css, from[0], from[1], to[0], to[1], start, end, title));
  }

  /** Where the line from a box's centre towards a point leaves the box. */
  private static double[] edge(Box b, double tx, double ty) {
    double dx = tx - b.cx();
    double dy = ty - b.cy();
    if (dx == 0 && dy == 0) {
      return new double[] {b.cx(), b.cy()};
    }
    double sx = dx == 0 ? Double.MAX_VALUE : (b.w() / 2) / Math.abs(dx);
    double sy = dy == 0 ? Double.MAX_VALUE : (b.h() / 2) / Math.abs(dy);
    double k = Math.min(sx, sy);
    return new double[] {b.cx() + dx * k, b.cy() + dy * k};
  }

  private static String xml(String text) {
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }
}
