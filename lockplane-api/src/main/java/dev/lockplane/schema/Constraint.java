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
   * Returns the comment.
   *
   * @return the comment, or null
   */
  String comment();

  /**
   * Returns this constraint without its comment, to compare definitions.
   *
   * @return the copy
   */
  Constraint withoutComment();

  /**
   * A primary key.
   *
   * @param name the constraint name
   * @param columns the key columns in order
   * @param comment the comment, or null
   */
  record PrimaryKey(String name, List<String> columns, String comment) implements Constraint {
    /**
     * Creates a primary key without a comment.
     *
     * @param name the constraint name
     * @param columns the key columns
     */
    public PrimaryKey(String name, List<String> columns) {
      this(name, columns, null);
    }

    @Override
    public PrimaryKey withoutComment() {
      return new PrimaryKey(name, columns, null);
    }

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
   * @param comment the comment, or null
   */
  record Unique(
      String name,
      List<String> columns,
      boolean nullsNotDistinct,
      boolean deferrable,
      boolean initiallyDeferred,
      String comment) implements Constraint {
    /**
     * Creates a unique constraint without a comment.
     *
     * @param name the constraint name
     * @param columns the columns
     * @param nullsNotDistinct whether NULLs are equal
     * @param deferrable whether it is deferrable
     * @param initiallyDeferred whether it is initially deferred
     */
    public Unique(String name, List<String> columns, boolean nullsNotDistinct, boolean deferrable,
        boolean initiallyDeferred) {
      this(name, columns, nullsNotDistinct, deferrable, initiallyDeferred, null);
    }

    @Override
    public Unique withoutComment() {
      return new Unique(name, columns, nullsNotDistinct, deferrable, initiallyDeferred, null);
    }

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
   * @param notValid whether the key is {@code NOT VALID}: enforced for new rows, existing rows not checked
   * @param comment the comment, or null
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
      boolean initiallyDeferred,
      boolean notValid,
      String comment) implements Constraint {
    /**
     * Creates a validated foreign key without a comment.
     *
     * @param name the constraint name
     * @param columns the referencing columns
     * @param referencedTable the referenced table as {@code schema.table}
     * @param referencedColumns the referenced columns
     * @param onUpdate the update action
     * @param onDelete the delete action
     * @param match the match type
     * @param deferrable whether it is deferrable
     * @param initiallyDeferred whether it is initially deferred
     */
    public ForeignKey(String name, List<String> columns, String referencedTable, List<String> referencedColumns,
        String onUpdate, String onDelete, String match, boolean deferrable, boolean initiallyDeferred) {
      this(name, columns, referencedTable, referencedColumns, onUpdate, onDelete, match, deferrable,
          initiallyDeferred, false, null);
    }

    @Override
    public ForeignKey withoutComment() {
      return new ForeignKey(name, columns, referencedTable, referencedColumns, onUpdate, onDelete, match, deferrable,
          initiallyDeferred, notValid, null);
    }

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
   * @param notValid whether the constraint is {@code NOT VALID}: enforced for new rows, existing rows not checked
   * @param comment the comment, or null
   */
  record Check(String name, String expression, boolean noInherit, boolean notValid, String comment)
      implements Constraint {
    /**
     * Creates a validated check constraint without a comment.
     *
     * @param name the constraint name
     * @param expression the expression
     * @param noInherit whether it is {@code NO INHERIT}
     */
    public Check(String name, String expression, boolean noInherit) {
      this(name, expression, noInherit, false, null);
    }

    @Override
    public Check withoutComment() {
      return new Check(name, expression, noInherit, notValid, null);
    }

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
   * @param comment the comment, or null
   */
  record Exclusion(String name, String definition, String comment) implements Constraint {
    /**
     * Creates an exclusion constraint without a comment.
     *
     * @param name the constraint name
     * @param definition the definition
     */
    public Exclusion(String name, String definition) {
      this(name, definition, null);
    }

    @Override
    public Exclusion withoutComment() {
      return new Exclusion(name, definition, null);
    }

    /** Validates the record. */
    public Exclusion {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(definition, "definition");
    }
  }
}
