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
    List<String> storageParameters) {

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
        partitionOf, partitionBound, comment, renamedFrom, false, null);
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
        storageParameters);
  }
}
