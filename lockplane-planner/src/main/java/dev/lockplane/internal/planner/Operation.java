package dev.lockplane.internal.planner;

import dev.lockplane.schema.Column;
import dev.lockplane.schema.CompositeType;
import dev.lockplane.schema.Constraint;
import dev.lockplane.schema.Domain;
import dev.lockplane.schema.EnumType;
import dev.lockplane.schema.Extension;
import dev.lockplane.schema.Index;
import dev.lockplane.schema.Policy;
import dev.lockplane.schema.Routine;
import dev.lockplane.schema.Sequence;
import dev.lockplane.schema.Table;
import dev.lockplane.schema.Trigger;
import dev.lockplane.schema.View;

/** One schema change. The differ produces them; the dialects turn each into SQL. */
public sealed interface Operation {
  record CreateSchema(String name) implements Operation {}

  record DropSchema(String name) implements Operation {}

  record CreateExtension(Extension extension) implements Operation {}

  record DropExtension(Extension extension) implements Operation {}

  record CreateEnum(EnumType type) implements Operation {}

  record DropEnum(EnumType type) implements Operation {}

  /** Adds a label before {@code neighbor} (or after it when {@code after}); neighbor null appends. */
  record AddEnumValue(EnumType type, String label, String neighbor, boolean after) implements Operation {}

  /**
   * Replaces an enum type whose labels were removed or reordered while columns use it: rename the
   * old type, create the new one, convert each column through text, drop the old type.
   */
  record RecreateEnum(EnumType from, EnumType to, java.util.List<ColumnUse> uses) implements Operation {}

  /** A column (as in the target schema) of a table that uses a type. */
  record ColumnUse(Table table, Column column) {}

  record CreateDomain(Domain domain) implements Operation {}

  record DropDomain(Domain domain) implements Operation {}

  /**
   * Changes a domain's default, NOT NULL and CHECK constraints in place (same base type and
   * collation): columns may use the domain, which DROP DOMAIN would refuse.
   */
  record AlterDomain(Domain from, Domain to) implements Operation {}

  /**
   * Changes a domain's base type (or collation), which PostgreSQL has no ALTER DOMAIN for, while
   * columns use it: the target domain is created under a temporary name, each column converted to
   * it through the new base type, the old domain dropped and the new one renamed. Values are kept.
   */
  record RetypeDomain(Domain from, Domain to, java.util.List<ColumnUse> uses) implements Operation {}

  /**
   * Changes a composite type's attributes in place: dropped ones dropped, new ones appended, changed
   * types altered. {@code uses} are the table columns that store the type; while there are any,
   * PostgreSQL refuses ALTER ATTRIBUTE … TYPE, so the type is then re-created and each column
   * converted through its text form (values kept, as for an enum). {@code renames} (old name to new,
   * sorted) are attributes renamed first; {@code from} already carries their new names.
   */
  record AlterComposite(CompositeType from, CompositeType to, java.util.List<ColumnUse> uses,
      java.util.SortedMap<String, String> renames) implements Operation {
    /** Whether an attribute keeps its name but changes type or collation. */
    public boolean retyped() {
      return to.attributes().stream().anyMatch(a -> from.attributes().stream()
          .anyMatch(o -> o.name().equals(a.name()) && !o.equals(a)));
    }
  }

  record CreateComposite(CompositeType type) implements Operation {}

  record DropComposite(CompositeType type) implements Operation {}

  record CreateSequence(Sequence sequence) implements Operation {}

  record DropSequence(Sequence sequence) implements Operation {}

  record AlterSequence(Sequence from, Sequence to) implements Operation {}

  record SetSequenceOwner(Sequence sequence) implements Operation {}

  record CreateTable(Table table) implements Operation {}

  record DropTable(Table table) implements Operation {}

  record RenameTable(Table table, String newName) implements Operation {}

  /**
   * Replaces a table whose structure SQLite cannot alter in place: create the new shape, copy the
   * common columns, drop the old table, rename. {@code renames} maps new column names to old ones.
   */
  record RebuildTable(Table from, Table to, java.util.Map<String, String> renames) implements Operation {}

  record AddColumn(Table table, Column column) implements Operation {}

  record DropColumn(Table table, Column column) implements Operation {}

  record RenameColumn(Table table, String from, String to) implements Operation {}

  record AlterColumn(Table table, Column from, Column to) implements Operation {}

  record AddConstraint(Table table, Constraint constraint) implements Operation {}

  record DropConstraint(Table table, Constraint constraint) implements Operation {}

  /** Validates a {@code NOT VALID} check or foreign key in place: existing rows are scanned, writes go on. */
  record ValidateConstraint(Table table, Constraint constraint) implements Operation {}

  /** An index on {@code schema.relation}, a table or a materialized view. */
  record CreateIndex(String schema, String relation, Index index) implements Operation {}

  record DropIndex(String schema, String relation, Index index) implements Operation {}

  record CreateView(View view) implements Operation {}

  record DropView(View view) implements Operation {}

  /** Creates a routine, or replaces {@code previous} in place when it is not null. */
  record CreateRoutine(Routine routine, Routine previous) implements Operation {
    boolean replace() {
      return previous != null;
    }
  }

  record DropRoutine(Routine routine) implements Operation {}

  record CreateTrigger(Table table, Trigger trigger) implements Operation {}

  record DropTrigger(Table table, Trigger trigger) implements Operation {}

  record CreatePolicy(Table table, Policy policy) implements Operation {}

  record DropPolicy(Table table, Policy policy) implements Operation {}

  record SetRowSecurity(Table table) implements Operation {}

  /** Sets a table's persistence ({@code LOGGED}/{@code UNLOGGED}) and storage parameters to those of {@code to}. */
  record SetTableStorage(Table from, Table to) implements Operation {}

  /**
   * Sets or clears a comment. {@code objectType} is the SQL keyword ({@code TABLE}, {@code
   * COLUMN}, ...), {@code target} the rendered object name, {@code key} the dependency key.
   */
  record SetComment(String objectType, String target, String key, String comment) implements Operation {}
}
