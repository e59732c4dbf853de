package dev.lockplane.internal.planner.sqlite;

import dev.lockplane.ErrorCode;
import dev.lockplane.LockplaneException;
import dev.lockplane.internal.planner.Operation.*;
import dev.lockplane.internal.planner.Operation;
import dev.lockplane.internal.sql.Identifiers;
import dev.lockplane.schema.Column;
import dev.lockplane.schema.Constraint;
import dev.lockplane.schema.Index;
import dev.lockplane.schema.Table;
import java.util.ArrayList;
import java.util.List;

/** SQLite statements for each operation, with the twelve-step rebuild for what SQLite cannot alter. */
public final class SqliteSql {
  private SqliteSql() {}



  public static List<String> render(Operation op) {
    if (op instanceof CreateTable o) {
      return List.of(createTable(o.table(), o.table().name()));
    }
    if (op instanceof DropTable o) {
      return List.of("DROP TABLE " + Identifiers.quote(o.table().name()));
    }
    if (op instanceof RenameTable o) {
      return List.of("ALTER TABLE " + Identifiers.quote(o.table().name()) + " RENAME TO " + Identifiers.quote(o.newName()));
    }
    if (op instanceof AddColumn o) {
      return List.of("ALTER TABLE " + Identifiers.quote(o.table().name()) + " ADD COLUMN " + column(o.column()));
    }
    if (op instanceof RenameColumn o) {
      return List.of("ALTER TABLE " + Identifiers.quote(o.table().name()) + " RENAME COLUMN " + Identifiers.quote(o.from()) + " TO " + Identifiers.quote(o.to()));
    }
    if (op instanceof RebuildTable o) {
      return rebuild(o);
    }
    if (op instanceof CreateIndex o) {
      return List.of(createIndex(o.relation(), o.index()));
    }
    if (op instanceof DropIndex o) {
      return List.of("DROP INDEX " + Identifiers.quote(o.index().name()));
    }
    if (op instanceof CreateView o) {
      return List.of("CREATE VIEW " + Identifiers.quote(o.view().name()) + " AS " + o.view().definition());
    }
    if (op instanceof DropView o) {
      return List.of("DROP VIEW " + Identifiers.quote(o.view().name()));
    }
    if (op instanceof CreateTrigger o) {
      return List.of(o.trigger().definition());
    }
    if (op instanceof DropTrigger o) {
      return List.of("DROP TRIGGER " + Identifiers.quote(o.trigger().name()));
    }
    throw new LockplaneException(ErrorCode.UNSUPPORTED, "SQLite has no equivalent of: " + op.getClass().getSimpleName()
        + ". Remove that object kind from the SQLite schema.");
  }

  /**
   * SQLite's documented procedure: foreign keys off, create the new shape under a temporary name,
   * copy, drop the old table, rename, check foreign keys, foreign keys on. Indexes, triggers and
   * views are re-created by their own steps.
   */
  private static List<String> rebuild(RebuildTable o) {
    Table to = o.to();
    String tmp = "lockplane_new_" + to.name();
    List<String> target = new ArrayList<>();
    List<String> source = new ArrayList<>();
    for (Column c : to.columns()) {
      if (c.generated() != null) {
        continue;
      }
      String old = o.renames().getOrDefault(c.name(), c.name());
      if (o.from().columns().stream().anyMatch(x -> x.name().equals(old) && x.generated() == null)) {
        target.add(Identifiers.quote(c.name()));
        source.add(Identifiers.quote(old));
      }
    }
    List<String> s = new ArrayList<>();
    s.add("PRAGMA foreign_keys = OFF");
    s.add("BEGIN");
    s.add(createTable(to, tmp));
    if (!target.isEmpty()) {
      s.add("INSERT INTO " + Identifiers.quote(tmp) + " (" + String.join(", ", target) + ") SELECT " + String.join(", ", source)
          + " FROM " + Identifiers.quote(o.from().name()));
    }
    s.add("DROP TABLE " + Identifiers.quote(o.from().name()));
    s.add("ALTER TABLE " + Identifiers.quote(tmp) + " RENAME TO " + Identifiers.quote(to.name()));
    s.add("PRAGMA foreign_key_check");
    s.add("COMMIT");
    s.add("PRAGMA foreign_keys = ON");
    return s;
  }

  static String createTable(Table t, String name) {
    List<String> parts = new ArrayList<>();
    for (Column c : t.columns()) {
      parts.add(column(c));
    }
    for (Constraint c : t.constraints()) {
      if (c instanceof Constraint.PrimaryKey p) {
        parts.add("PRIMARY KEY (" + Identifiers.quoteAll(p.columns()) + ")");
      } else if (c instanceof Constraint.Unique u) {
        parts.add("UNIQUE (" + Identifiers.quoteAll(u.columns()) + ")");
      } else if (c instanceof Constraint.ForeignKey f) {
        String ref = f.referencedTable().substring(f.referencedTable().indexOf('.') + 1);
        parts.add("FOREIGN KEY (" + Identifiers.quoteAll(f.columns()) + ") REFERENCES " + Identifiers.quote(ref) + " (" + Identifiers.quoteAll(f.referencedColumns()) + ")"
            + " ON UPDATE " + f.onUpdate() + " ON DELETE " + f.onDelete());
      } else if (c instanceof Constraint.Check k) {
        parts.add("CONSTRAINT " + Identifiers.quote(k.name()) + " CHECK (" + k.expression() + ")");
      }
    }
    return "CREATE TABLE " + Identifiers.quote(name) + " (\n    " + String.join(",\n    ", parts) + "\n)"
        + (t.storageParameters().isEmpty() ? "" : " " + String.join(", ", t.storageParameters()));
  }

  static String column(Column c) {
    StringBuilder b = new StringBuilder(Identifiers.quote(c.name()));
    if (!c.type().isEmpty()) {
      b.append(' ').append(c.type());
    }
    if (c.notNull()) {
      b.append(" NOT NULL");
    }
    if (c.defaultValue() != null) {
      b.append(" DEFAULT ").append(c.defaultValue());
    }
    if (c.generated() != null) {
      b.append(" GENERATED ALWAYS AS ").append(c.generated()).append(c.virtual() ? " VIRTUAL" : " STORED");
    }
    return b.toString();
  }

  static String createIndex(String table, Index i) {
    return "CREATE " + (i.unique() ? "UNIQUE " : "") + "INDEX " + Identifiers.quote(i.name()) + " ON " + Identifiers.quote(table) + " ("
        + String.join(", ", i.keys()) + ")" + (i.where() == null ? "" : " WHERE " + i.where());
  }
}
