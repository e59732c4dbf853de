package dev.lockplane.schema;

import java.util.List;
import java.util.Objects;

/** A table constraint. The hierarchy is closed: one record per constraint kind. */
public sealed interface Constraint
    permits Constraint.PrimaryKey, Constraint.Unique, Constraint.ForeignKey, Constraint.Check,
        Constraint.Exclusion {

  /** Returns the constraint name. */
  String name();

  /**
   * A primary key.
   *
   * @param name the constraint name
   * @param columns the key columns in order
   */
  record PrimaryKey(String name, List<String> columns) implements Constraint {
    /** Validates and copies the record. */
    public PrimaryKey {
      Objects.requireNonNull(name, "name");
      columns = Lists.copy(columns);
    }
  }

  /**
   * A unique constraint.
   *
   * @param name the constraint name
   * @param columns the columns in order
   * @param nullsNotDistinct whether NULLs count as equal (PostgreSQL 15+)
   * @param deferrable whether checking can be deferred
   * @param initiallyDeferred whether checking is deferred by default
   */
  record Unique(
      String name,
      List<String> columns,
      boolean nullsNotDistinct,
      boolean deferrable,
      boolean initiallyDeferred) implements Constraint {
    /** Validates and copies the record. */
    public Unique {
      Objects.requireNonNull(name, "name");
      columns = Lists.copy(columns);
    }
  }

  /**
   * A foreign key.
   *
   * @param name the constraint name
   * @param columns the referencing columns
   * @param referencedTable the referenced table as {@code schema.table}
   * @param referencedColumns the referenced columns
   * @param onUpdate the update action ({@code NO ACTION}, {@code RESTRICT}, {@code CASCADE},
   *     {@code SET NULL}, {@code SET DEFAULT})
   * @param onDelete the delete action, same values
   * @param match {@code SIMPLE}, {@code FULL} or {@code PARTIAL}
   * @param deferrable whether checking can be deferred
   * @param initiallyDeferred whether checking is deferred by default
   */
  record ForeignKey(
      String name,
      List<String> columns,
      String referencedTable,
      List<String> referencedColumns,
      String onUpdate,
      String onDelete,
      String match,
      boolean deferrable,
      boolean initiallyDeferred) implements Constraint {
    /** Validates, copies and fills in the defaults of the record. */
    public ForeignKey {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(referencedTable, "referencedTable");
      columns = Lists.copy(columns);
      referencedColumns = Lists.copy(referencedColumns);
      onUpdate = onUpdate == null ? "NO ACTION" : onUpdate;
      onDelete = onDelete == null ? "NO ACTION" : onDelete;
      match = match == null ? "SIMPLE" : match;
    }
  }

  /**
   * A check constraint.
   *
   * @param name the constraint name
   * @param expression the boolean expression, as the database prints it
   * @param noInherit whether the constraint is not inherited by child tables
   */
  record Check(String name, String expression, boolean noInherit) implements Constraint {
    /** Validates the record. */
    public Check {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(expression, "expression");
    }
  }

  /**
   * An exclusion constraint.
   *
   * @param name the constraint name
   * @param definition the definition after the name, e.g. {@code EXCLUDE USING gist (room WITH =)}
   */
  record Exclusion(String name, String definition) implements Constraint {
    /** Validates the record. */
    public Exclusion {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(definition, "definition");
    }
  }
}
