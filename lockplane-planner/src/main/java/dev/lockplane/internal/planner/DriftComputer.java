package dev.lockplane.internal.planner;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lockplane.plan.Difference;
import dev.lockplane.plan.DriftReport;
import dev.lockplane.schema.DatabaseSchema;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/** Compares two models object by object: each table, column, constraint, index and so on. */
public final class DriftComputer {
  private DriftComputer() {}

  private record Obj(String type, String name, JsonNode node) {}

  public static DriftReport compare(DatabaseSchema live, DatabaseSchema desired) {
    Map<String, Obj> a = flatten(live);
    Map<String, Obj> b = flatten(desired);
    List<Difference> out = new ArrayList<>();
    TreeSet<String> keys = new TreeSet<>(a.keySet());
    keys.addAll(b.keySet());
    for (String k : keys) {
      Obj x = a.get(k);
      Obj y = b.get(k);
      if (y == null) {
        out.add(new Difference(Difference.Kind.EXTRA, x.type, x.name, null));
      } else if (x == null) {
        out.add(new Difference(Difference.Kind.MISSING, y.type, y.name, null));
      } else if (!x.node.equals(y.node)) {
        out.add(new Difference(Difference.Kind.DIFFERENT, x.type, x.name, fieldChanges(x.node, y.node)));
      }
    }
    return new DriftReport(SchemaHash.of(live), SchemaHash.of(desired), out);
  }

  private static String fieldChanges(JsonNode live, JsonNode desired) {
    TreeSet<String> fields = new TreeSet<>();
    live.fieldNames().forEachRemaining(fields::add);
    desired.fieldNames().forEachRemaining(fields::add);
    List<String> parts = new ArrayList<>();
    for (String f : fields) {
      JsonNode l = live.get(f);
      JsonNode d = desired.get(f);
      if (l == null ? d != null : !l.equals(d)) {
        parts.add(f + ": " + show(l) + " -> " + show(d));
      }
    }
    return String.join("; ", parts);
  }

  private static String show(JsonNode n) {
    if (n == null) {
      return "(none)";
    }
    String s = n.isTextual() ? n.asText() : n.toString();
    s = s.replaceAll("\\s+", " ");
    return s.length() > 120 ? s.substring(0, 117) + "..." : s;
  }

  private static Map<String, Obj> flatten(DatabaseSchema s) {
    JsonNode root = SchemaHash.canonical(s);
    Map<String, Obj> out = new TreeMap<>();
    root.path("schemas").forEach(n -> put(out, "schema", n.asText(), n));
    root.path("extensions").forEach(n -> put(out, "extension", n.get("name").asText(), n));
    root.path("enums").forEach(n -> put(out, "enum", qn(n), n));
    root.path("domains").forEach(n -> put(out, "domain", qn(n), n));
    root.path("compositeTypes").forEach(n -> put(out, "type", qn(n), n));
    root.path("sequences").forEach(n -> put(out, "sequence", qn(n), n));
    root.path("routines").forEach(n -> put(out, n.path("kind").asText("FUNCTION").toLowerCase(java.util.Locale.ROOT),
        qn(n) + "(" + n.path("arguments").asText("") + ")", n));
    root.path("views").forEach(n -> {
      String name = qn(n);
      n.path("indexes").forEach(i -> put(out, "index", n.get("schema").asText() + "." + i.get("name").asText(), i));
      ObjectNode copy = ((ObjectNode) n).deepCopy();
      copy.remove("indexes");
      put(out, n.path("materialized").asBoolean() ? "materialized view" : "view", name, copy);
    });
    root.path("tables").forEach(n -> {
      String t = qn(n);
      n.path("columns").forEach(c -> put(out, "column", t + "." + c.get("name").asText(), c));
      n.path("constraints").forEach(c -> put(out, "constraint", t + "." + c.get("name").asText(), c));
      n.path("indexes").forEach(c -> put(out, "index", n.get("schema").asText() + "." + c.get("name").asText(), c));
      n.path("triggers").forEach(c -> put(out, "trigger", t + "." + c.get("name").asText(), c));
      n.path("policies").forEach(c -> put(out, "policy", t + "." + c.get("name").asText(), c));
      ObjectNode copy = ((ObjectNode) n).deepCopy();
      copy.remove(List.of("columns", "constraints", "indexes", "triggers", "policies"));
      put(out, "table", t, copy);
    });
    return out;
  }

  private static String qn(JsonNode n) {
    return n.get("schema").asText() + "." + n.get("name").asText();
  }

  private static void put(Map<String, Obj> out, String type, String name, JsonNode node) {
    out.put(type + " " + name, new Obj(type, name, node));
  }
}
