package dev.lockplane.schema;

import java.util.AbstractList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.RandomAccess;

/**
 * The immutable table list of a {@link DatabaseSchema}, with an index by schema and name built on
 * first use: the planner looks tables up per table and per step, which a scan made quadratic in the
 * size of the schema.
 */
final class TableList extends AbstractList<Table> implements RandomAccess {
  private final List<Table> tables;
  private volatile Map<String, Table> index;

  private TableList(List<Table> tables) {
    this.tables = tables;
  }

  static List<Table> of(List<Table> tables) {
    return tables instanceof TableList t ? t : new TableList(Lists.copy(tables));
  }

  @Override
  public Table get(int i) {
    return tables.get(i);
  }

  @Override
  public int size() {
    return tables.size();
  }

  /** The first table of that schema and name, or null. */
  Table find(String schema, String name) {
    Map<String, Table> m = index;
    if (m == null) {
      m = new HashMap<>();
      for (Table t : tables) {
        m.putIfAbsent(t.schema() + "\u0000" + t.name(), t);
      }
      index = m;
    }
    return m.get(schema + "\u0000" + name);
  }
}
