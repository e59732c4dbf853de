package dev.lockplane.internal.planner;

import dev.lockplane.internal.planner.Operation.AddColumn;
import dev.lockplane.internal.planner.Operation.RenameColumn;
import dev.lockplane.schema.Column;
import dev.lockplane.schema.Table;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * SQLite alters a table in place only to add a plain column or rename one; every other change
 * rebuilds the table (the documented twelve-step procedure).
 */
final class SqliteTableDiff {
  interface Rebuilder {
    void rebuild(Table from, Table to, Map<String, String> renames);
  }

  private SqliteTableDiff() {}

  static void diff(Table o, Table n, Rebuilder rebuilder, List<Operation> alters, List<Operation> drops,
      List<Operation> renames) {
    Map<String, String> renameMap = new LinkedHashMap<>();
    for (Column c : n.columns()) {
      if (c.renamedFrom() != null && o.columns().stream().anyMatch(x -> x.name().equals(c.renamedFrom()))
          && o.columns().stream().noneMatch(x -> x.name().equals(c.name()))) {
        renameMap.put(c.name(), c.renamedFrom());
      }
    }
    List<Column> oldCols = o.columns();
    List<Column> newCols = n.columns().stream().map(Column::withoutRenameHint).toList();
    // STRICT and WITHOUT ROWID are fixed at CREATE TABLE: a change of them rebuilds the table.
    boolean sameConstraints = o.constraints().equals(n.constraints())
        && o.storageParameters().equals(n.storageParameters());
    boolean prefix = newCols.size() >= oldCols.size();
    for (int i = 0; prefix && i < oldCols.size(); i++) {
      Column was = oldCols.get(i);
      Column now = newCols.get(i);
      String oldName = renameMap.getOrDefault(now.name(), now.name());
      prefix = was.name().equals(oldName) && Differ.sameDefinition(
          new Column(now.name(), was.type(), was.notNull(), was.defaultValue(), was.identity(), was.generated(),
              was.collation(), null, null, null, was.virtual()), now);
    }
    boolean appendable = prefix && sameConstraints && newCols.subList(oldCols.size(), newCols.size()).stream()
        .allMatch(c -> c.generated() == null && (!c.notNull() || c.defaultValue() != null)
            && !isKeyColumn(n, c.name()));
    if (!appendable) {
      rebuilder.rebuild(o, n, renameMap);
      return;
    }
    renameMap.forEach((now, was) -> renames.add(new RenameColumn(n, was, now)));
    for (Column c : newCols.subList(oldCols.size(), newCols.size())) {
      alters.add(new AddColumn(n, c));
    }
  }

  private static boolean isKeyColumn(Table t, String column) {
    return t.constraints().stream().anyMatch(c ->
        (c instanceof dev.lockplane.schema.Constraint.PrimaryKey p && p.columns().contains(column))
            || (c instanceof dev.lockplane.schema.Constraint.Unique u && u.columns().contains(column))
            || (c instanceof dev.lockplane.schema.Constraint.ForeignKey f && f.columns().contains(column)));
  }
}
