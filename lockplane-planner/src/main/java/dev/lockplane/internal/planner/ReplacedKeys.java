package dev.lockplane.internal.planner;

import dev.lockplane.internal.planner.Operation.AddConstraint;
import dev.lockplane.internal.planner.Operation.DropConstraint;
import dev.lockplane.internal.planner.Operation.DropIndex;
import dev.lockplane.internal.sql.Identifiers;
import dev.lockplane.schema.Constraint;
import dev.lockplane.schema.DatabaseSchema;
import dev.lockplane.schema.Table;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Foreign keys around a unique key or index that a plan replaces (PostgreSQL only). */
final class ReplacedKeys {
  private ReplacedKeys() {}

  /**
   * A foreign key depends on the unique index of the key it references: when that key or index is
   * dropped (a UNIQUE constraint turned into the PRIMARY KEY, or back), PostgreSQL refuses until
   * the foreign keys go first. They are dropped before it and added again after the new key.
   */
  static void foreignKeys(DatabaseSchema from, DatabaseSchema to, List<Operation> dropConstraints,
      List<Operation> dropIndexes, List<Operation> dropForeignKeys, List<Operation> addForeignKeys) {
    Map<String, List<Set<String>>> droppedKeys = new HashMap<>();
    for (Operation op : dropConstraints) {
      if (op instanceof DropConstraint d) {
        List<String> cols = d.constraint() instanceof Constraint.PrimaryKey p ? p.columns()
            : d.constraint() instanceof Constraint.Unique u ? u.columns() : null;
        if (cols != null) {
          droppedKeys.computeIfAbsent(d.table().qualifiedName(), k -> new ArrayList<>()).add(Set.copyOf(cols));
        }
      }
    }
    for (Operation op : dropIndexes) {
      if (op instanceof DropIndex d && d.index().unique() && d.index().where() == null) {
        droppedKeys.computeIfAbsent(d.schema() + "." + d.relation(), k -> new ArrayList<>())
            .add(d.index().keys().stream().map(Identifiers::unquote).collect(java.util.stream.Collectors.toSet()));
      }
    }
    if (droppedKeys.isEmpty()) {
      return;
    }
    Set<String> handled = alreadyDropped(dropForeignKeys);
    for (Table t : from.tables()) {
      Table nt = to.table(t.schema(), t.name()).orElse(null);
      if (nt == null) {
        continue;
      }
      for (Constraint c : t.constraints()) {
        if (c instanceof Constraint.ForeignKey f && !handled.contains(t.qualifiedName() + "." + f.name())
            && droppedKeys.getOrDefault(f.referencedTable(), List.of()).contains(Set.copyOf(f.referencedColumns()))) {
          nt.constraints().stream().filter(x -> x.name().equals(f.name())).findFirst().ifPresent(nc -> {
            dropForeignKeys.add(new DropConstraint(t, f));
            addForeignKeys.add(new AddConstraint(nt, nc));
          });
        }
      }
    }
  }

  /**
   * A foreign key whose columns, or the key columns it references, change to a type the other side
   * cannot be compared with (integer to text, say) cannot stay while the columns change one at a
   * time: PostgreSQL refuses the first ALTER COLUMN. Such a key is dropped before the columns
   * change and added again after. Keys between types that stay comparable (integer to bigint) are
   * left to PostgreSQL, which rebuilds them with the column.
   */
  static void retypedForeignKeys(DatabaseSchema from, DatabaseSchema to, List<Operation> dropForeignKeys,
      List<Operation> addForeignKeys) {
    Set<String> handled = alreadyDropped(dropForeignKeys);
    for (Table t : from.tables()) {
      Table nt = to.table(t.schema(), t.name()).orElse(null);
      if (nt == null) {
        continue;
      }
      for (Constraint c : t.constraints()) {
        if (!(c instanceof Constraint.ForeignKey f) || handled.contains(t.qualifiedName() + "." + f.name())) {
          continue;
        }
        Constraint nc = nt.constraints().stream().filter(x -> x.name().equals(f.name())).findFirst().orElse(null);
        Table parent = tableOf(from, f.referencedTable());
        Table newParent = tableOf(to, f.referencedTable());
        if (nc == null || parent == null || newParent == null) {
          continue;
        }
        boolean breaks = false;
        for (int k = 0; k < f.columns().size() && k < f.referencedColumns().size(); k++) {
          String[] types = {typeOf(t, f.columns().get(k)), typeOf(nt, f.columns().get(k)),
              typeOf(parent, f.referencedColumns().get(k)), typeOf(newParent, f.referencedColumns().get(k))};
          if (java.util.Arrays.stream(types).anyMatch(java.util.Objects::isNull)) {
            continue;
          }
          boolean changed = !types[0].equals(types[1]) || !types[2].equals(types[3]);
          for (String a : types) {
            for (String b : types) {
              breaks |= changed && !TypeChanges.comparable(a, b);
            }
          }
        }
        if (breaks) {
          dropForeignKeys.add(new DropConstraint(t, f));
          addForeignKeys.add(new AddConstraint(nt, nc));
        }
      }
    }
  }

  private static Table tableOf(DatabaseSchema s, String qualified) {
    int dot = qualified.indexOf('.');
    return s.table(qualified.substring(0, dot), qualified.substring(dot + 1)).orElse(null);
  }

  private static String typeOf(Table t, String column) {
    return t.columns().stream().filter(c -> c.name().equals(column)).map(dev.lockplane.schema.Column::type)
        .findFirst().orElse(null);
  }

  /** Returns the table-qualified names of the foreign keys the plan already drops. */
  private static Set<String> alreadyDropped(List<Operation> dropForeignKeys) {
    Set<String> handled = new HashSet<>();
    for (Operation op : dropForeignKeys) {
      if (op instanceof DropConstraint d) {
        handled.add(d.table().qualifiedName() + "." + d.constraint().name());
      }
    }
    return handled;
  }
}
