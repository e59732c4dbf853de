package dev.lockplane.internal.planner;

import dev.lockplane.ErrorCode;
import dev.lockplane.LockplaneException;
import dev.lockplane.internal.planner.Operation.AlterColumn;
import dev.lockplane.schema.Column;
import dev.lockplane.schema.DatabaseSchema;
import dev.lockplane.schema.PartitionColumn;
import dev.lockplane.schema.Table;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The defaults and NOT NULLs of partitions' columns (PostgreSQL), where a partition may differ from
 * its parent. What a partition holds once the plan's other steps have run is predicted from how
 * PostgreSQL behaves: {@code CREATE TABLE … PARTITION OF} copies the parent's defaults and NOT NULLs
 * (the rendered column options then override them), and {@code ALTER COLUMN … SET/DROP DEFAULT} or
 * {@code SET/DROP NOT NULL} on a table recurses into all its partitions, a partition's own setting
 * included. Each partition column whose predicted state is not the desired one gets an {@link
 * AlterColumn} on the partition, ordered after its parent's changes.
 */
final class PartitionColumnDiff {
  /** A column's default and NOT NULL on one table. */
  private record State(String defaultValue, boolean notNull) {}

  private static final String DEFAULT = "default";
  private static final String NOT_NULL = "not null";

  private final Map<String, Table> from = new HashMap<>();
  private final Map<String, Table> to = new HashMap<>();
  private final Set<String> created;
  /** {@code table|column|attribute} set on a partition by a step of this plan. */
  private final Set<String> altered = new HashSet<>();
  private final List<Operation> out = new ArrayList<>();

  private PartitionColumnDiff(DatabaseSchema from, DatabaseSchema to, Set<String> created) {
    from.tables().forEach(t -> this.from.put(t.qualifiedName(), t));
    to.tables().forEach(t -> this.to.put(t.qualifiedName(), t));
    this.created = created;
  }

  /**
   * Lists the partition column changes.
   *
   * @param from the current model
   * @param to the desired model
   * @param created the tables (qualified names) the plan creates, partitions included
   * @return the operations, parents' partitions before their own partitions
   */
  static List<Operation> diff(DatabaseSchema from, DatabaseSchema to, Set<String> created) {
    PartitionColumnDiff d = new PartitionColumnDiff(from, to, created);
    List<Table> partitions = new ArrayList<>(to.tables().stream().filter(t -> t.partitionOf() != null).toList());
    // Parents first: a partition's prediction reads what was decided for its parent.
    partitions.sort(Comparator.comparingInt((Table t) -> d.depth(t)).thenComparing(Table::qualifiedName));
    partitions.forEach(d::partition);
    return d.out;
  }

  private int depth(Table t) {
    int depth = 0;
    for (Table p = t; p != null && p.partitionOf() != null && depth <= to.size(); p = to.get(p.partitionOf())) {
      depth++;
    }
    return depth;
  }

  private void partition(Table p) {
    Table root = root(to, p);
    if (root == null) {
      return; // a partition of a missing parent fails on its own when the plan creates it
    }
    for (PartitionColumn pc : p.partitionColumns()) {
      if (root.columns().stream().noneMatch(c -> c.name().equals(pc.name()))) {
        throw new LockplaneException(ErrorCode.INVALID_INPUT, "Partition " + p.qualifiedName()
            + " sets a default or NOT NULL on column " + pc.name() + ", which its parent " + root.qualifiedName()
            + " does not have. Remove the entry from the partition's partitionColumns or add the column to "
            + root.qualifiedName() + ".");
      }
    }
    for (Column c : root.columns()) {
      if (c.generated() != null || c.identity() != null) {
        continue;
      }
      State want = effective(to, p, c.name());
      State have = created.contains(p.qualifiedName()) ? afterCreate(p, c.name()) : afterParents(p, root, c);
      if (want == null || have == null) {
        continue;
      }
      if (keepsOwnNotNull(p, root, c)) {
        // Whether the partition still rejects NULL is not known: state the wanted value either way.
        have = new State(have.defaultValue(), !want.notNull());
      }
      if (want.equals(have)) {
        continue;
      }
      if (!Objects.equals(want.defaultValue(), have.defaultValue())) {
        altered.add(key(p, c.name(), DEFAULT));
      }
      if (want.notNull() != have.notNull()) {
        altered.add(key(p, c.name(), NOT_NULL));
      }
      out.add(new AlterColumn(p, column(c, have), column(c, want)));
    }
  }

  /** What {@code CREATE TABLE … PARTITION OF} gives, its column options included. */
  private State afterCreate(Table p, String column) {
    State parent = effective(to, to.get(p.partitionOf()), column);
    PartitionColumn own = own(p, column);
    if (own == null || parent == null) {
      return parent;
    }
    return new State(own.defaultValue(), own.notNull() || parent.notNull());
  }

  /**
   * What an existing partition holds once its ancestors' steps have run: for each attribute, the
   * value of the nearest ancestor this plan changes it on (the change recursed), else its own.
   */
  private State afterParents(Table p, Table root, Column c) {
    Table was = current(p);
    String oldName = oldName(root, c);
    State mine = was == null ? null : effective(from, was, oldName);
    String dflt = null;
    boolean dfltSet = false;
    Boolean notNull = null;
    for (Table a = to.get(p.partitionOf()); a != null; a = a.partitionOf() == null ? null : to.get(a.partitionOf())) {
      State wanted = effective(to, a, c.name());
      if (!dfltSet && changes(a, c, DEFAULT)) {
        dflt = wanted == null ? null : wanted.defaultValue();
        dfltSet = true;
      }
      if (notNull == null && changes(a, c, NOT_NULL)) {
        notNull = wanted != null && wanted.notNull();
      }
    }
    if (mine == null && (!dfltSet || notNull == null)) {
      return null; // a column the partition does not have yet and no step gives it: nothing to predict
    }
    return new State(dfltSet ? dflt : mine.defaultValue(), notNull != null ? notNull : mine.notNull());
  }

  /**
   * Whether an existing partition that rejects NULL may go on rejecting it after an ancestor drops
   * its NOT NULL: PostgreSQL 18 keeps a partition's NOT NULL constraint of its own (made by {@code
   * SET NOT NULL} on the partition or by a column option of {@code PARTITION OF}) and older versions
   * drop it, and the model cannot tell an own constraint from an inherited one.
   */
  private boolean keepsOwnNotNull(Table p, Table root, Column c) {
    Table was = current(p);
    State mine = was == null || created.contains(p.qualifiedName()) ? null : effective(from, was, oldName(root, c));
    if (mine == null || !mine.notNull()) {
      return false;
    }
    for (Table a = to.get(p.partitionOf()); a != null; a = a.partitionOf() == null ? null : to.get(a.partitionOf())) {
      if (changes(a, c, NOT_NULL)) {
        State wanted = effective(to, a, c.name());
        return wanted != null && !wanted.notNull();
      }
    }
    return false;
  }

  /** Whether this plan sets the attribute on table {@code a} (a partition, or the root's own column). */
  private boolean changes(Table a, Column c, String attribute) {
    if (a.partitionOf() != null) {
      return altered.contains(key(a, c.name(), attribute));
    }
    Table was = current(a);
    Column old = was == null ? null : was.columns().stream().filter(x -> x.name().equals(oldName(a, c)))
        .findFirst().orElse(null);
    if (old == null || created.contains(a.qualifiedName())) {
      return true; // added or created: the partition gets the new column's setting
    }
    return attribute.equals(DEFAULT) ? !Objects.equals(old.defaultValue(), c.defaultValue()) : old.notNull() != c.notNull();
  }

  /** The table as it is now: by name, or by the name it is renamed from. */
  private Table current(Table t) {
    Table same = from.get(t.qualifiedName());
    return same != null || t.renamedFrom() == null ? same : from.get(t.schema() + "." + t.renamedFrom());
  }

  /** A root column's current name (its rename hint when the column is renamed). */
  private String oldName(Table root, Column c) {
    Table was = current(root);
    if (c.renamedFrom() != null && was != null && was.columns().stream().noneMatch(x -> x.name().equals(c.name()))) {
      return c.renamedFrom();
    }
    return c.name();
  }

  /** A column's default and NOT NULL on a table of a model, following partitions up to their root. */
  private static State effective(Map<String, Table> model, Table t, String column) {
    for (int guard = 0; t != null && guard <= model.size(); guard++) {
      if (t.partitionOf() == null) {
        return t.columns().stream().filter(c -> c.name().equals(column)).findFirst()
            .map(c -> new State(c.defaultValue(), c.notNull())).orElse(null);
      }
      PartitionColumn own = own(t, column);
      if (own != null) {
        return new State(own.defaultValue(), own.notNull());
      }
      t = model.get(t.partitionOf());
    }
    return null;
  }

  private static Table root(Map<String, Table> model, Table t) {
    for (int guard = 0; t != null && guard <= model.size(); guard++) {
      if (t.partitionOf() == null) {
        return t;
      }
      t = model.get(t.partitionOf());
    }
    return null;
  }

  private static PartitionColumn own(Table t, String column) {
    return t.partitionColumns().stream().filter(x -> x.name().equals(column)).findFirst().orElse(null);
  }

  private static String key(Table t, String column, String attribute) {
    return t.qualifiedName() + "|" + column + "|" + attribute;
  }

  /** The root's column with a partition's default and NOT NULL. */
  private static Column column(Column c, State s) {
    return new Column(c.name(), c.type(), s.notNull(), s.defaultValue(), null, null, c.collation(), null, null, null,
        false, null);
  }
}
