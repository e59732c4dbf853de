package dev.lockplane.internal.migrate;

import dev.lockplane.internal.sql.Identifiers;
import dev.lockplane.migrate.Backfill;
import dev.lockplane.migrate.Change;
import dev.lockplane.migrate.ExpandContractPlan;
import dev.lockplane.migrate.Phase;
import dev.lockplane.migrate.PhasePlan;
import dev.lockplane.safety.SafeRewrites;
import dev.lockplane.safety.SqlStep;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Writes the phases of each kind of {@link Change}. */
public final class ChangeSql {
  private ChangeSql() {}

  private static final SqlStep SCHEMA = SqlStep.of("CREATE SCHEMA IF NOT EXISTS lockplane")
      .describedAs("schema for lockplane's sync functions and state");

  /**
   * Returns the plan for a change.
   *
   * @param id the migration id
   * @param change the change
   * @return the plan
   */
  public static ExpandContractPlan plan(String id, Change change) {
    List<PhasePlan> p;
    if (change instanceof Change.RenameColumn c) {
      p = renameColumn(c);
    } else if (change instanceof Change.RenameTable c) {
      p = renameTable(c);
    } else if (change instanceof Change.ChangeColumnType c) {
      p = changeType(c);
    } else if (change instanceof Change.SetNotNull c) {
      p = setNotNull(c);
    } else {
      p = dropColumn((Change.DropColumn) change);
    }
    return new ExpandContractPlan(id, change, change.summary(), p.get(0), p.get(1), p.get(2));
  }

  private static List<PhasePlan> renameColumn(Change.RenameColumn c) {
    String t = Identifiers.qualified(c.table());
    String a = Identifiers.qualified(c.from());
    String b = Identifiers.qualified(c.to());
    Sync sync = new Sync(c.table(), c.from(),
        "IF TG_OP = 'INSERT' THEN\n"
        + "    IF NEW." + b + " IS NULL THEN NEW." + b + " := NEW." + a + ";\n"
        + "    ELSIF NEW." + a + " IS NULL THEN NEW." + a + " := NEW." + b + "; END IF;\n"
        + "  ELSIF NEW." + a + " IS DISTINCT FROM OLD." + a + " AND NEW." + a + " IS DISTINCT FROM NEW." + b + " THEN\n"
        + "    NEW." + b + " := NEW." + a + ";\n"
        + "  ELSIF NEW." + b + " IS DISTINCT FROM OLD." + b + " AND NEW." + b + " IS DISTINCT FROM NEW." + a + " THEN\n"
        + "    NEW." + a + " := NEW." + b + ";\n"
        + "  END IF;");
    List<SqlStep> expand = new ArrayList<>();
    expand.add(SCHEMA);
    expand.add(SqlStep.of("ALTER TABLE " + t + " ADD COLUMN IF NOT EXISTS " + b + " " + c.type())
        .describedAs("add " + c.to() + " beside " + c.from()));
    expand.addAll(sync.create(c.from() + " and " + c.to()));
    List<SqlStep> expandRollback = new ArrayList<>(sync.drop());
    expandRollback.add(dropColumn(t, b, c.to()));
    Backfill fill = Backfill.of(c.table(), c.keyColumn(), b + " = " + a).where(b + " IS DISTINCT FROM " + a);

    List<SqlStep> contract = new ArrayList<>();
    if (c.notNull()) {
      contract.addAll(SafeRewrites.setNotNull(c.table(), c.to()));
    }
    contract.addAll(sync.drop());
    contract.add(dropKeepingNotNullName(c.table(), c.from(), c.to()));
    List<SqlStep> contractRollback = new ArrayList<>();
    if (c.notNull()) {
      // First, so the re-created column's NOT NULL gets its old name back (PostgreSQL 18 names them).
      contractRollback.add(dropNotNull(t, b, c.to()));
    }
    contractRollback.add(SqlStep.of("ALTER TABLE " + t + " ADD COLUMN " + a + " " + c.type())
        .describedAs("re-create " + c.from()));
    // The trigger first, so rows written while the copy runs are kept in step too.
    contractRollback.addAll(sync.create(c.from() + " and " + c.to()));
    contractRollback.add(SqlStep.of("UPDATE " + t + " SET " + a + " = " + b)
        .describedAs("copy " + c.to() + " back into " + c.from() + " (one statement over the whole table)"));
    if (c.notNull()) {
      contractRollback.addAll(SafeRewrites.setNotNull(c.table(), c.from()));
    }
    return List.of(
        phase(Phase.EXPAND, expand, expandRollback),
        migrate(fill),
        new PhasePlan(Phase.CONTRACT, contract, Optional.empty(), contractRollback,
            List.of("run only once no application version reads or writes " + c.from(),
                "the rollback rewrites every row of " + c.table() + " in one statement")));
  }

  private static List<PhasePlan> renameTable(Change.RenameTable c) {
    String old = Identifiers.qualified(c.table());
    int dot = c.table().indexOf('.');
    String schema = dot > 0 ? c.table().substring(0, dot + 1) : "";
    String renamed = Identifiers.qualified(schema + c.to());
    // One DO block, so no session ever sees the old name missing between the rename and the view.
    SqlStep expand = SqlStep.of("DO $lockplane$ BEGIN\n  ALTER TABLE " + old + " RENAME TO " + Identifiers.qualified(c.to())
        + ";\n  CREATE VIEW " + old + " AS SELECT * FROM " + renamed + ";\nEND $lockplane$")
        .describedAs("rename " + c.table() + " to " + c.to() + " and keep the old name as an updatable view");
    SqlStep expandRollback = SqlStep.of("DO $lockplane$ BEGIN\n  DROP VIEW " + old + ";\n  ALTER TABLE " + renamed
        + " RENAME TO " + Identifiers.qualified(unqualified(c.table())) + ";\nEND $lockplane$")
        .describedAs("drop the view and give the table its old name back");
    SqlStep contract = SqlStep.of("DROP VIEW " + old).describedAs("drop the transition view " + c.table());
    SqlStep contractRollback = SqlStep.of("CREATE VIEW " + old + " AS SELECT * FROM " + renamed)
        .describedAs("re-create the transition view " + c.table());
    return List.of(
        new PhasePlan(Phase.EXPAND, List.of(expand), Optional.empty(), List.of(expandRollback),
            List.of("the view's column list is fixed when it is created: add columns to " + c.to()
                + " after contract, or re-create the view")),
        migrate(null),
        new PhasePlan(Phase.CONTRACT, List.of(contract), Optional.empty(), List.of(contractRollback),
            List.of("run only once no application version uses the name " + c.table())));
  }

  private static List<PhasePlan> changeType(Change.ChangeColumnType c) {
    String t = Identifiers.qualified(c.table());
    String col = Identifiers.qualified(c.column());
    String shadow = Identifiers.qualified(c.shadowColumn());
    String toNewOfNew = conv(c.toNew(), "NEW." + col);
    String toOldOfNew = conv(c.toOld(), "NEW." + shadow);
    Sync sync = new Sync(c.table(), c.column(),
        "IF TG_OP = 'INSERT' THEN\n"
        + "    IF NEW." + shadow + " IS NULL THEN NEW." + shadow + " := " + toNewOfNew + ";\n"
        + "    ELSIF NEW." + col + " IS NULL THEN NEW." + col + " := " + conv(c.toOld(), "NEW." + shadow) + "; END IF;\n"
        // A write that is already the conversion of the other column (the backfill, the contract rollback's
        // copy) is left alone: converting it back would round the other column on a lossy conversion.
        + "  ELSIF NEW." + col + " IS DISTINCT FROM OLD." + col + " AND NEW." + col + " IS DISTINCT FROM " + toOldOfNew
        + " THEN\n    NEW." + shadow + " := " + toNewOfNew + ";\n"
        + "  ELSIF NEW." + shadow + " IS DISTINCT FROM OLD." + shadow + " AND NEW." + shadow + " IS DISTINCT FROM "
        + toNewOfNew + " THEN\n    NEW." + col + " := " + toOldOfNew + ";\n"
        + "  END IF;");
    List<SqlStep> expand = new ArrayList<>();
    expand.add(SCHEMA);
    expand.add(SqlStep.of("ALTER TABLE " + t + " ADD COLUMN IF NOT EXISTS " + shadow + " " + c.newType())
        .describedAs("add " + c.shadowColumn() + " " + c.newType() + " beside " + c.column()));
    expand.addAll(sync.create(c.column() + " and " + c.shadowColumn()));
    List<SqlStep> expandRollback = new ArrayList<>(sync.drop());
    expandRollback.add(dropColumn(t, shadow, c.shadowColumn()));
    String converted = conv(c.toNew(), col);
    Backfill fill = Backfill.of(c.table(), c.keyColumn(), shadow + " = " + converted)
        .where(shadow + " IS DISTINCT FROM " + converted);

    List<SqlStep> contract = new ArrayList<>();
    if (c.notNull()) {
      contract.addAll(SafeRewrites.setNotNull(c.table(), c.shadowColumn()));
    }
    contract.addAll(sync.drop());
    contract.add(dropKeepingNotNullName(c.table(), c.column(), c.shadowColumn()));
    contract.add(SqlStep.of("ALTER TABLE " + t + " RENAME COLUMN " + shadow + " TO " + col)
        .describedAs("give " + c.shadowColumn() + " the name " + c.column()));
    List<SqlStep> contractRollback = new ArrayList<>();
    contractRollback.add(SqlStep.of("ALTER TABLE " + t + " RENAME COLUMN " + col + " TO " + shadow)
        .describedAs("give the new column its transition name " + c.shadowColumn()));
    if (c.notNull()) {
      contractRollback.add(dropNotNull(t, shadow, c.shadowColumn()));
    }
    contractRollback.add(SqlStep.of("ALTER TABLE " + t + " ADD COLUMN " + col + " " + c.oldType())
        .describedAs("re-create " + c.column() + " " + c.oldType()));
    contractRollback.addAll(sync.create(c.column() + " and " + c.shadowColumn()));
    contractRollback.add(SqlStep.of("UPDATE " + t + " SET " + col + " = " + conv(c.toOld(), shadow))
        .describedAs("convert the values back (one statement over the whole table)"));
    if (c.notNull()) {
      contractRollback.addAll(SafeRewrites.setNotNull(c.table(), c.column()));
    }
    return List.of(
        phase(Phase.EXPAND, expand, expandRollback),
        migrate(fill),
        new PhasePlan(Phase.CONTRACT, contract, Optional.empty(), contractRollback,
            List.of("run only once no application version uses " + c.column() + " as " + c.oldType()
                + "; the new version reads " + c.shadowColumn() + " until contract and " + c.column() + " after",
                "indexes, constraints and defaults on " + c.column() + " are not carried over: add them to "
                + c.shadowColumn() + " in the expand phase",
                "the rollback rewrites every row of " + c.table() + " in one statement")));
  }

  private static List<PhasePlan> setNotNull(Change.SetNotNull c) {
    String t = Identifiers.qualified(c.table());
    String col = Identifiers.qualified(c.column());
    Sync sync = new Sync(c.table(), c.column(),
        "IF NEW." + col + " IS NULL THEN NEW." + col + " := " + c.fill() + "; END IF;");
    List<SqlStep> expand = new ArrayList<>();
    expand.add(SCHEMA);
    expand.addAll(sync.create("NULLs written to " + c.column()));
    Backfill fill = Backfill.of(c.table(), c.keyColumn(), col + " = " + c.fill()).where(col + " IS NULL");
    List<SqlStep> contract = new ArrayList<>(SafeRewrites.setNotNull(c.table(), c.column()));
    contract.addAll(sync.drop());
    List<SqlStep> contractRollback = new ArrayList<>();
    contractRollback.add(dropNotNull(t, col, c.column()));
    contractRollback.addAll(sync.create("NULLs written to " + c.column()));
    return List.of(
        new PhasePlan(Phase.EXPAND, expand, Optional.empty(), sync.drop(),
            List.of("while the trigger is in place, NULL written to " + c.column() + " is stored as " + c.fill())),
        new PhasePlan(Phase.MIGRATE, List.of(), Optional.of(fill), List.of(),
            List.of("the rollback cannot tell filled values from written ones: they stay " + c.fill())),
        new PhasePlan(Phase.CONTRACT, contract, Optional.empty(), contractRollback,
            List.of("run only once no application version writes NULL to " + c.column())));
  }

  private static List<PhasePlan> dropColumn(Change.DropColumn c) {
    String t = Identifiers.qualified(c.table());
    String col = Identifiers.qualified(c.column());
    List<SqlStep> expand = c.notNull() ? List.of(dropNotNull(t, col, c.column())) : List.of();
    List<SqlStep> expandRollback = c.notNull() ? SafeRewrites.setNotNull(c.table(), c.column()) : List.of();
    return List.of(
        new PhasePlan(Phase.EXPAND, expand, Optional.empty(), expandRollback,
            c.notNull() ? List.of("the rollback fails if rows with NULL in " + c.column() + " were written meanwhile")
                : List.of()),
        migrate(null),
        new PhasePlan(Phase.CONTRACT, List.of(dropColumn(t, col, c.column())), Optional.empty(),
            List.of(SqlStep.of("ALTER TABLE " + t + " ADD COLUMN " + col + " " + c.type())
                .describedAs("re-create " + c.column() + " (empty: its values are lost)")),
            List.of("run only once no application version reads or writes " + c.column(),
                "lossy: the rollback re-creates the column without its values")));
  }

  private static PhasePlan phase(Phase p, List<SqlStep> steps, List<SqlStep> rollback) {
    return new PhasePlan(p, steps, Optional.empty(), rollback, List.of());
  }

  private static PhasePlan migrate(Backfill fill) {
    // The backfill only writes values the new shape derives from the old one; the shape after it equals
    // the shape after expand, so undoing it takes no step (expand's rollback removes the column).
    return new PhasePlan(Phase.MIGRATE, List.of(), Optional.ofNullable(fill), List.of(), List.of());
  }

  private static SqlStep dropColumn(String table, String column, String name) {
    return SqlStep.of("ALTER TABLE " + table + " DROP COLUMN " + column).describedAs("drop " + name);
  }

  /**
   * Drops the old column and gives the new column's NOT NULL constraint the old one's name, which is what
   * the direct change (a rename or a type change in place) leaves on PostgreSQL 18, where NOT NULL
   * constraints have names; on earlier versions neither has a constraint and only the drop happens.
   */
  private static SqlStep dropKeepingNotNullName(String table, String oldColumn, String newColumn) {
    String rel = "'" + Identifiers.qualified(table).replace("'", "''") + "'::regclass";
    String byColumn = "SELECT k.conname INTO %s FROM pg_constraint k JOIN pg_attribute a ON a.attrelid = k.conrelid"
        + " AND a.attnum = k.conkey[1] WHERE k.conrelid = " + rel + " AND k.contype = 'n' AND a.attname = '%s';\n";
    return SqlStep.of("DO $lockplane$\nDECLARE old_name name; new_name name;\nBEGIN\n  "
        + String.format(byColumn, "old_name", oldColumn.replace("'", "''"))
        + "  ALTER TABLE " + Identifiers.qualified(table) + " DROP COLUMN " + Identifiers.qualified(oldColumn) + ";\n  "
        + String.format(byColumn, "new_name", newColumn.replace("'", "''"))
        + "  IF old_name IS NOT NULL AND new_name IS NOT NULL AND old_name <> new_name THEN\n"
        + "    EXECUTE format('ALTER TABLE %s RENAME CONSTRAINT %I TO %I', " + rel + ", new_name, old_name);\n"
        + "  END IF;\nEND\n$lockplane$").describedAs("drop " + oldColumn + " (its NOT NULL name passes to " + newColumn + ")");
  }

  private static SqlStep dropNotNull(String table, String column, String name) {
    return SqlStep.of("ALTER TABLE " + table + " ALTER COLUMN " + column + " DROP NOT NULL")
        .describedAs("let " + name + " be NULL");
  }

  private static String conv(String template, String value) {
    return template.replace("{}", value);
  }


  static String unqualified(String table) {
    int dot = table.indexOf('.');
    return dot > 0 && !table.startsWith("\"") ? table.substring(dot + 1) : table;
  }

  /** A trigger function in the lockplane schema and its BEFORE INSERT OR UPDATE trigger on the table. */
  private record Sync(String table, String column, String body) {
    String function() {
      return "lockplane." + Identifiers.qualified(truncate("sync_" + unqualified(table).replace("\"", "") + "_" + column));
    }

    String trigger() {
      return Identifiers.qualified(truncate("lockplane_sync_" + column));
    }

    List<SqlStep> create(String what) {
      return List.of(
          SqlStep.of("CREATE OR REPLACE FUNCTION " + function() + "() RETURNS trigger LANGUAGE plpgsql AS $lockplane$\n"
              + "BEGIN\n  " + body + "\n  RETURN NEW;\nEND\n$lockplane$").describedAs("sync function for " + what),
          SqlStep.of("DROP TRIGGER IF EXISTS " + trigger() + " ON " + Identifiers.qualified(table))
              .describedAs("make the trigger creation repeatable"),
          SqlStep.of("CREATE TRIGGER " + trigger() + " BEFORE INSERT OR UPDATE ON " + Identifiers.qualified(table)
              + " FOR EACH ROW EXECUTE FUNCTION " + function() + "()").describedAs("keep " + what + " in step"));
    }

    List<SqlStep> drop() {
      return List.of(
          SqlStep.of("DROP TRIGGER IF EXISTS " + trigger() + " ON " + Identifiers.qualified(table)).describedAs("drop the sync trigger"),
          SqlStep.of("DROP FUNCTION IF EXISTS " + function() + "()").describedAs("drop the sync function"));
    }

    private static String truncate(String name) {
      return name.length() <= 63 ? name : name.substring(0, 63);
    }
  }
}
