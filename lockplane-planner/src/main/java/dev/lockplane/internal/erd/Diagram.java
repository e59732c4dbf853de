package dev.lockplane.internal.erd;

import dev.lockplane.LockplaneException;
import dev.lockplane.ErrorCode;
import dev.lockplane.schema.Column;
import dev.lockplane.schema.Constraint;
import dev.lockplane.schema.DatabaseSchema;
import dev.lockplane.schema.Table;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * What an entity-relationship diagram shows, independent of how it is drawn: tables (entities) with
 * their columns, and one relationship per foreign key. Entities are sorted by qualified name and
 * relationships by child then constraint name, so that every rendering is deterministic.
 *
 * @param entities the tables
 * @param links the foreign keys between them
 */
public record Diagram(List<Entity> entities, List<Link> links) {
  /** How a plan changes a table, a column or a foreign key ({@link #NONE} outside a plan). */
  public enum Change { NONE, ADDED, DROPPED, CHANGED }

  /**
   * A column.
   *
   * @param name the column name
   * @param type its SQL type as the schema model spells it
   * @param primaryKey part of the primary key
   * @param foreignKey part of a foreign key
   * @param unique covered by a single-column unique constraint
   * @param notNull NOT NULL
   * @param change what a plan does to it
   * @param note what a plan does to it, in words (empty when nothing)
   */
  public record Attribute(String name, String type, boolean primaryKey, boolean foreignKey, boolean unique,
      boolean notNull, Change change, String note) {
    Attribute with(Change newChange, String newNote) {
      return new Attribute(name, type, primaryKey, foreignKey, unique, notNull, newChange, newNote);
    }
  }

  /**
   * A table.
   *
   * @param id the qualified name {@code schema.table}
   * @param label the name shown: the table name in {@code public}, else the qualified name
   * @param attributes the columns, in table order
   * @param change what a plan does to it
   * @param note what a plan does to it, in words (empty when nothing)
   */
  public record Entity(String id, String label, List<Attribute> attributes, Change change, String note) {
    public Entity {
      attributes = List.copyOf(attributes);
    }
  }

  /**
   * A foreign key: many (or one) child rows refer to one parent row.
   *
   * @param child the referencing table's id
   * @param parent the referenced table's id
   * @param name the constraint name
   * @param columns the referencing columns
   * @param required every referencing column is NOT NULL (a child always has a parent)
   * @param oneToOne the referencing columns are unique (at most one child per parent)
   * @param change what a plan does to it
   */
  public record Link(String child, String parent, String name, List<String> columns, boolean required,
      boolean oneToOne, Change change) {
    public Link {
      columns = List.copyOf(columns);
    }
  }

  public Diagram {
    entities = entities.stream().sorted(Comparator.comparing(Entity::id)).toList();
    links = links.stream().sorted(Comparator.comparing(Link::child).thenComparing(Link::name)).toList();
  }

  /** The diagram of every table of a schema. */
  public static Diagram of(DatabaseSchema schema) {
    List<Entity> entities = new ArrayList<>();
    List<Link> links = new ArrayList<>();
    Set<String> ids = new HashSet<>();
    schema.tables().forEach(t -> ids.add(t.qualifiedName()));
    for (Table t : schema.tables()) {
      entities.add(entity(t));
      for (Constraint c : t.constraints()) {
        if (c instanceof Constraint.ForeignKey fk && ids.contains(fk.referencedTable())) {
          links.add(link(t, fk, Change.NONE));
        }
      }
    }
    return new Diagram(entities, links);
  }

  static Entity entity(Table t) {
    Set<String> pk = new HashSet<>();
    Set<String> fk = new HashSet<>();
    Set<String> unique = new HashSet<>();
    for (Constraint c : t.constraints()) {
      if (c instanceof Constraint.PrimaryKey p) {
        pk.addAll(p.columns());
      } else if (c instanceof Constraint.ForeignKey f) {
        fk.addAll(f.columns());
      } else if (c instanceof Constraint.Unique u && u.columns().size() == 1) {
        unique.addAll(u.columns());
      }
    }
    List<Attribute> attributes = new ArrayList<>();
    for (Column c : t.columns()) {
      attributes.add(new Attribute(c.name(), c.type(), pk.contains(c.name()), fk.contains(c.name()),
          unique.contains(c.name()), c.notNull() || pk.contains(c.name()), Change.NONE, ""));
    }
    return new Entity(t.qualifiedName(), label(t.schema(), t.name()), attributes, Change.NONE, "");
  }

  static String label(String schema, String name) {
    return schema.equals("public") ? name : schema + "." + name;
  }

  static Link link(Table child, Constraint.ForeignKey fk, Change change) {
    Set<String> notNull = new HashSet<>();
    child.columns().stream().filter(Column::notNull).forEach(c -> notNull.add(c.name()));
    boolean oneToOne = false;
    for (Constraint c : child.constraints()) {
      List<String> keyColumns = c instanceof Constraint.PrimaryKey p ? p.columns()
          : c instanceof Constraint.Unique u ? u.columns() : null;
      if (keyColumns != null) {
        oneToOne |= new HashSet<>(keyColumns).equals(new HashSet<>(fk.columns()));
        if (c instanceof Constraint.PrimaryKey) {
          notNull.addAll(keyColumns);
        }
      }
    }
    return new Link(child.qualifiedName(), fk.referencedTable(), fk.name(), fk.columns(),
        notNull.containsAll(fk.columns()), oneToOne, change);
  }

  /**
   * The id of a table named as {@code table} (any schema, when that is unambiguous) or {@code schema.table}.
   *
   * @throws LockplaneException ({@link ErrorCode#INVALID_INPUT}) when no table, or several, have that name
   */
  public String resolve(String name) {
    List<String> matches = entities.stream().map(Entity::id)
        .filter(id -> id.equals(name) || id.substring(id.indexOf('.') + 1).equals(name)).toList();
    if (matches.contains(name)) {
      return name;
    }
    if (matches.size() == 1) {
      return matches.get(0);
    }
    if (matches.isEmpty()) {
      throw new LockplaneException(ErrorCode.INVALID_INPUT, "The schema has no table " + name + " to draw; its tables are "
          + String.join(", ", entities.stream().map(Entity::label).toList()) + ".");
    }
    throw new LockplaneException(ErrorCode.INVALID_INPUT, "The table name " + name + " is ambiguous ("
        + String.join(", ", matches) + "); name it with its schema.");
  }

  /** The tables at most {@code depth} foreign keys away from {@code id}, in either direction, {@code id} included. */
  public Set<String> around(String id, int depth) {
    Map<String, Set<String>> neighbours = new HashMap<>();
    for (Link l : links) {
      neighbours.computeIfAbsent(l.child(), k -> new TreeSet<>()).add(l.parent());
      neighbours.computeIfAbsent(l.parent(), k -> new TreeSet<>()).add(l.child());
    }
    Map<String, Integer> distance = new HashMap<>(Map.of(id, 0));
    Deque<String> queue = new ArrayDeque<>(List.of(id));
    while (!queue.isEmpty()) {
      String t = queue.removeFirst();
      int d = distance.get(t);
      if (d == depth) {
        continue;
      }
      for (String n : neighbours.getOrDefault(t, Set.of())) {
        if (distance.putIfAbsent(n, d + 1) == null) {
          queue.addLast(n);
        }
      }
    }
    return new TreeSet<>(distance.keySet());
  }

  /** The same diagram reduced to some tables and the foreign keys between them. */
  public Diagram only(Collection<String> ids) {
    Set<String> keep = new LinkedHashSet<>(ids);
    return new Diagram(entities.stream().filter(e -> keep.contains(e.id())).toList(),
        links.stream().filter(l -> keep.contains(l.child()) && keep.contains(l.parent())).toList());
  }

  /** The entity with an id, if the diagram has it. */
  public Entity entity(String id) {
    return entities.stream().filter(e -> e.id().equals(id)).findFirst().orElse(null);
  }
}
