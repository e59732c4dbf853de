package dev.lockplane.internal.erd;

import dev.lockplane.internal.erd.Diagram.Attribute;
import dev.lockplane.internal.erd.Diagram.Change;
import dev.lockplane.internal.erd.Diagram.Entity;
import dev.lockplane.internal.erd.Diagram.Link;
import dev.lockplane.plan.Plan;
import dev.lockplane.plan.Step;
import dev.lockplane.schema.DatabaseSchema;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The tables a plan touches, drawn as they are before it with what it changes marked: tables and
 * columns it adds, drops or alters. The plan carries the schema it was made from ({@link Plan#source()})
 * and, per step, the objects it touches ({@code table s.t}, {@code column s.t.c}); a new table or
 * column is drawn by name, since the plan does not carry the desired model.
 */
public final class PlanDiagram {
  private PlanDiagram() {}

  /** The diagram of the tables a plan touches; empty when it touches none. */
  public static Diagram of(Plan plan) {
    DatabaseSchema source = plan.source() == null ? DatabaseSchema.empty(plan.dialect()) : plan.source();
    Diagram before = Diagram.of(source);
    Map<String, Entity> entities = new TreeMap<>();
    Map<String, Set<String>> entityNotes = new TreeMap<>();
    // Per table, per column: the change and what it is, in plan order.
    Map<String, Map<String, Attribute>> columns = new TreeMap<>();
    for (Step step : plan.steps()) {
      List<String> tables = new ArrayList<>();
      String column = null;
      for (String object : step.objects()) {
        if (object.startsWith("table ")) {
          tables.add(object.substring(6));
        } else if (object.startsWith("column ")) {
          String qualified = object.substring(7);
          String table = tableOf(before, qualified);
          tables.add(table);
          column = qualified.substring(table.length() + 1);
        }
      }
      if (tables.isEmpty()) {
        continue;
      }
      for (String t : tables) {
        entities.computeIfAbsent(t, id -> existing(before, id));
      }
      String subject = tables.get(tables.size() - 1);
      switch (step.operation()) {
        case "create_table" -> mark(entities, subject, Change.ADDED);
        case "drop_table" -> mark(entities, subject, Change.DROPPED);
        case "rename_table" -> {
          mark(entities, tables.get(0), Change.CHANGED);
          entities.remove(subject);
          entityNotes.computeIfAbsent(tables.get(0), k -> new LinkedHashSet<>()).add(step.description());
        }
        case "add_column" -> columns.computeIfAbsent(subject, k -> new LinkedHashMap<>())
            .put(column, new Attribute(column, "added", false, false, false, true, Change.ADDED, "added"));
        case "drop_column" -> columnChange(entities, columns, subject, column, Change.DROPPED, "dropped");
        case "alter_column" -> columnChange(entities, columns, subject, column, Change.CHANGED,
            inParentheses(step.description()));
        case "rename_column" -> columnChange(entities, columns, subject,
            step.renamedFrom() == null ? column : step.renamedFrom(), Change.CHANGED, "renamed to " + column);
        default -> {
          mark(entities, subject, Change.CHANGED);
          entityNotes.computeIfAbsent(subject, k -> new LinkedHashSet<>()).add(step.description());
        }
      }
      if (step.operation().endsWith("_column")) {
        mark(entities, subject, Change.CHANGED);
      }
    }
    List<Entity> result = new ArrayList<>();
    for (Entity e : entities.values()) {
      Map<String, Attribute> changed = columns.getOrDefault(e.id(), Map.of());
      List<Attribute> attributes = new ArrayList<>();
      for (Attribute a : e.attributes()) {
        attributes.add(changed.getOrDefault(a.name(), a));
      }
      changed.values().stream().filter(a -> a.change() == Change.ADDED && e.attributes().stream()
          .noneMatch(x -> x.name().equals(a.name()))).forEach(attributes::add);
      String note = String.join("; ", entityNotes.getOrDefault(e.id(), Set.of()));
      result.add(new Entity(e.id(), e.label(), attributes, e.change(), e.change() == Change.ADDED ? "new table"
          : e.change() == Change.DROPPED ? "dropped" : note));
    }
    List<Link> links = before.links().stream()
        .filter(l -> entities.containsKey(l.child()) && entities.containsKey(l.parent()))
        .map(l -> entities.get(l.child()).change() == Change.DROPPED
            ? new Link(l.child(), l.parent(), l.name(), l.columns(), l.required(), l.oneToOne(), Change.DROPPED) : l)
        .toList();
    return new Diagram(result, links);
  }

  private static Entity existing(Diagram before, String id) {
    Entity e = before.entity(id);
    if (e != null) {
      return e;
    }
    int dot = id.indexOf('.');
    return new Entity(id, Diagram.label(id.substring(0, dot), id.substring(dot + 1)), List.of(), Change.ADDED, "");
  }

  private static void mark(Map<String, Entity> entities, String id, Change change) {
    Entity e = entities.get(id);
    // A table the plan creates stays "added" whatever else the plan does to it.
    if (e != null && e.change() != Change.ADDED && e.change() != Change.DROPPED) {
      entities.put(id, new Entity(e.id(), e.label(), e.attributes(), change, e.note()));
    } else if (e != null && change == Change.DROPPED) {
      entities.put(id, new Entity(e.id(), e.label(), e.attributes(), change, e.note()));
    }
  }

  private static void columnChange(Map<String, Entity> entities, Map<String, Map<String, Attribute>> columns,
      String table, String column, Change change, String note) {
    Map<String, Attribute> changes = columns.computeIfAbsent(table, k -> new LinkedHashMap<>());
    Attribute previous = changes.get(column);
    Attribute base = previous != null ? previous : entities.get(table).attributes().stream()
        .filter(a -> a.name().equals(column)).findFirst()
        .orElse(new Attribute(column, "column", false, false, false, false, Change.NONE, ""));
    String combined = previous == null || previous.note().isEmpty() ? note : previous.note() + "; " + note;
    changes.put(column, base.with(previous != null && previous.change() == Change.ADDED ? Change.ADDED : change,
        combined));
  }

  /** The table id of a {@code schema.table.column} name: the longest table of the schema that prefixes it. */
  private static String tableOf(Diagram before, String qualifiedColumn) {
    String best = null;
    for (Entity e : before.entities()) {
      if (qualifiedColumn.startsWith(e.id() + ".") && (best == null || e.id().length() > best.length())) {
        best = e.id();
      }
    }
    return best != null ? best : qualifiedColumn.substring(0, qualifiedColumn.lastIndexOf('.'));
  }

  /** The text inside the first balanced parentheses of a step description ("type numeric(10,2) → ..."). */
  private static String inParentheses(String text) {
    int from = text.indexOf('(');
    int depth = 0;
    for (int i = Math.max(from, 0); from >= 0 && i < text.length(); i++) {
      depth += text.charAt(i) == '(' ? 1 : text.charAt(i) == ')' ? -1 : 0;
      if (depth == 0) {
        return text.substring(from + 1, i);
      }
    }
    return "altered";
  }
}
