package dev.lockplane.schema;

import java.util.List;
import java.util.Objects;

/**
 * A table, a partitioned table or a partition.
 *
 * @param schema the schema ({@code main} for SQLite)
 * @param name the table name
 * @param columns the columns in order (a partition lists none: they come from its parent)
 * @param constraints the constraints, sorted by name
 * @param indexes the indexes that do not back a constraint, sorted by name
 * @param triggers the triggers, sorted by name
 * @param policies the row-level-security policies, sorted by name
 * @param rowSecurity whether row-level security is enabled
 * @param forceRowSecurity whether row-level security applies to the table owner too
 * @param partitionKey for a partitioned table, the key, e.g. {@code RANGE (created_at)}; else null
 * @param partitionOf for a partition, the parent as {@code schema.table}; else null
 * @param partitionBound for a partition, the bound, e.g. {@code FOR VALUES IN (1)}; else null
 * @param comment the comment, or null
 * @param renamedFrom in a desired schema, the table's previous name (same schema); else null
 * @param unlogged whether the table is {@code UNLOGGED} (PostgreSQL)
 * @param storageParameters PostgreSQL: the storage parameters of {@code WITH (...)}, e.g. {@code
 *     fillfactor=70}, sorted; SQLite: the table options {@code STRICT} and {@code WITHOUT ROWID}
 * @param partitionColumns for a partition, the columns whose default or NOT NULL differ from the
 *     parent's, sorted by name; empty for any other table and for a partition that keeps all of
 *     its parent's
 */
public record Table(
    String schema,
    String name,
    List<Column> columns,
    List<Constraint> constraints,
    List<Index> indexes,
    List<Trigger> triggers,
    List<Policy> policies,
    boolean rowSecurity,
    boolean forceRowSecurity,
    String partitionKey,
    String partitionOf,
    String partitionBound,
    String comment,
    String renamedFrom,
    boolean unlogged,
    List<String> storageParameters,
    List<PartitionColumn> partitionColumns) {

  /** Validates and copies the record. */
  public Table {
    Objects.requireNonNull(schema, "schema");
    Objects.requireNonNull(name, "name");
    columns = Lists.copy(columns);
    constraints = Lists.copy(constraints);
    indexes = Lists.copy(indexes);
    triggers = Lists.copy(triggers);
    policies = Lists.copy(policies);
    storageParameters = Lists.copy(storageParameters);
    partitionColumns = partitionColumns == null ? List.of() : partitionColumns.stream()
        .sorted(java.util.Comparator.comparing(PartitionColumn::name)).toList();
    if (partitionOf == null && !partitionColumns.isEmpty()) {
      throw new IllegalArgumentException("table " + schema + "." + name
          + " is not a partition but lists partition columns");
    }
    if (partitionColumns.stream().map(PartitionColumn::name).distinct().count() != partitionColumns.size()) {
      throw new IllegalArgumentException("partition " + schema + "." + name + " lists a partition column twice");
    }
  }

  /**
   * Creates a table whose partition columns, if it is a partition, are all its parent's.
   *
   * @param schema the schema
   * @param name the table name
   * @param columns the columns
   * @param constraints the constraints
   * @param indexes the indexes
   * @param triggers the triggers
   * @param policies the policies
   * @param rowSecurity whether row-level security is enabled
   * @param forceRowSecurity whether it applies to the owner too
   * @param partitionKey the partition key, or null
   * @param partitionOf the parent of a partition, or null
   * @param partitionBound the bound of a partition, or null
   * @param comment the comment, or null
   * @param renamedFrom the rename hint, or null
   * @param unlogged whether the table is unlogged
   * @param storageParameters the storage parameters or SQLite table options
   */
  public Table(String schema, String name, List<Column> columns, List<Constraint> constraints, List<Index> indexes,
      List<Trigger> triggers, List<Policy> policies, boolean rowSecurity, boolean forceRowSecurity,
      String partitionKey, String partitionOf, String partitionBound, String comment, String renamedFrom,
      boolean unlogged, List<String> storageParameters) {
    this(schema, name, columns, constraints, indexes, triggers, policies, rowSecurity, forceRowSecurity, partitionKey,
        partitionOf, partitionBound, comment, renamedFrom, unlogged, storageParameters, null);
  }

  /**
   * Creates a logged table without storage parameters.
   *
   * @param schema the schema
   * @param name the table name
   * @param columns the columns
   * @param constraints the constraints
   * @param indexes the indexes
   * @param triggers the triggers
   * @param policies the policies
   * @param rowSecurity whether row-level security is enabled
   * @param forceRowSecurity whether it applies to the owner too
   * @param partitionKey the partition key, or null
   * @param partitionOf the parent of a partition, or null
   * @param partitionBound the bound of a partition, or null
   * @param comment the comment, or null
   * @param renamedFrom the rename hint, or null
   */
  public Table(String schema, String name, List<Column> columns, List<Constraint> constraints, List<Index> indexes,
      List<Trigger> triggers, List<Policy> policies, boolean rowSecurity, boolean forceRowSecurity,
      String partitionKey, String partitionOf, String partitionBound, String comment, String renamedFrom) {
    this(schema, name, columns, constraints, indexes, triggers, policies, rowSecurity, forceRowSecurity, partitionKey,
        partitionOf, partitionBound, comment, renamedFrom, false, null, null);
  }

  /** Returns {@code schema.name}. */
  public String qualifiedName() {
    return schema + "." + name;
  }

  /**
   * Returns a copy with other columns and rename hint; the rest is unchanged.
   *
   * @param newColumns the columns
   * @param newRenamedFrom the table's rename hint
   * @return the copy
   */
  public Table with(List<Column> newColumns, String newRenamedFrom) {
    return new Table(schema, name, newColumns, constraints, indexes, triggers, policies, rowSecurity,
        forceRowSecurity, partitionKey, partitionOf, partitionBound, comment, newRenamedFrom, unlogged,
        storageParameters, partitionColumns);
  }
}
