package dev.lockplane.schema;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The complete schema of one database, as introspected or as desired. Every list is sorted by name
 * when Lockplane produces the model, so that two models of the same database are equal.
 *
 * @param dialect the dialect of the database
 * @param schemas the user schemas (namespaces), excluding system schemas and Lockplane's own
 * @param extensions the installed extensions
 * @param enums the enum types
 * @param domains the domains
 * @param compositeTypes the composite types
 * @param sequences the sequences that are not identity sequences
 * @param tables the tables, including partitioned tables and their partitions
 * @param views the views and materialized views
 * @param routines the functions and procedures
 * @param unmanaged objects present that Lockplane does not manage, one entry a kind with their
 *     count and names, e.g. {@code 2 aggregates: public.a(integer), public.b(numeric)}; sorted. The
 *     planner reports them and never creates, alters or drops them; the schema hash leaves them out
 * @param dependencies the database's own dependency edges between the objects of the model (PostgreSQL's
 *     {@code pg_depend}; empty for SQLite and for models not read from a database), sorted. They only
 *     order a plan's steps: the schema hash, the JSON form and {@link #equals(Object)} leave them out
 */
public record DatabaseSchema(
    Dialect dialect,
    List<String> schemas,
    List<Extension> extensions,
    List<EnumType> enums,
    List<Domain> domains,
    List<CompositeType> compositeTypes,
    List<Sequence> sequences,
    List<Table> tables,
    List<View> views,
    List<Routine> routines,
    List<String> unmanaged,
    List<Dependency> dependencies) {

  /** Validates and copies the lists. */
  public DatabaseSchema {
    Objects.requireNonNull(dialect, "dialect");
    schemas = Lists.copy(schemas);
    extensions = Lists.copy(extensions);
    enums = Lists.copy(enums);
    domains = Lists.copy(domains);
    compositeTypes = Lists.copy(compositeTypes);
    sequences = Lists.copy(sequences);
    tables = TableList.of(tables);
    views = Lists.copy(views);
    routines = Lists.copy(routines);
    unmanaged = Lists.copy(unmanaged);
    dependencies = dependencies == null ? List.of() : dependencies.stream().sorted().distinct().toList();
  }

  /**
   * Creates a model without dependency edges.
   *
   * @param dialect the dialect of the database
   * @param schemas the user schemas
   * @param extensions the installed extensions
   * @param enums the enum types
   * @param domains the domains
   * @param compositeTypes the composite types
   * @param sequences the sequences that are not identity sequences
   * @param tables the tables
   * @param views the views and materialized views
   * @param routines the functions and procedures
   * @param unmanaged objects present that Lockplane does not manage
   */
  public DatabaseSchema(Dialect dialect, List<String> schemas, List<Extension> extensions, List<EnumType> enums,
      List<Domain> domains, List<CompositeType> compositeTypes, List<Sequence> sequences, List<Table> tables,
      List<View> views, List<Routine> routines, List<String> unmanaged) {
    this(dialect, schemas, extensions, enums, domains, compositeTypes, sequences, tables, views, routines, unmanaged,
        null);
  }

  /**
   * Creates a model without unmanaged objects.
   *
   * @param dialect the dialect of the database
   * @param schemas the user schemas
   * @param extensions the installed extensions
   * @param enums the enum types
   * @param domains the domains
   * @param compositeTypes the composite types
   * @param sequences the sequences that are not identity sequences
   * @param tables the tables
   * @param views the views and materialized views
   * @param routines the functions and procedures
   */
  public DatabaseSchema(Dialect dialect, List<String> schemas, List<Extension> extensions, List<EnumType> enums,
      List<Domain> domains, List<CompositeType> compositeTypes, List<Sequence> sequences, List<Table> tables,
      List<View> views, List<Routine> routines) {
    this(dialect, schemas, extensions, enums, domains, compositeTypes, sequences, tables, views, routines, null, null);
  }

  /**
   * Returns this model with other unmanaged-object entries.
   *
   * @param entries the entries, e.g. {@code 1 publication: pub}
   * @return the copy
   */
  public DatabaseSchema withUnmanaged(List<String> entries) {
    return new DatabaseSchema(dialect, schemas, extensions, enums, domains, compositeTypes, sequences, tables, views,
        routines, entries, dependencies);
  }

  /**
   * Returns this model with other dependency edges.
   *
   * @param edges the edges, e.g. {@code new Dependency("rel:public.v", "fn:public.f")}
   * @return the copy
   */
  public DatabaseSchema withDependencies(List<Dependency> edges) {
    return new DatabaseSchema(dialect, schemas, extensions, enums, domains, compositeTypes, sequences, tables, views,
        routines, unmanaged, edges);
  }

  /**
   * Compares the objects of two models; the dependency edges, which follow from the objects, are
   * not compared (a model read back from JSON has none).
   *
   * @param o the other model
   * @return whether both hold the same objects
   */
  @Override
  public boolean equals(Object o) {
    return o instanceof DatabaseSchema s && dialect == s.dialect && schemas.equals(s.schemas)
        && extensions.equals(s.extensions) && enums.equals(s.enums) && domains.equals(s.domains)
        && compositeTypes.equals(s.compositeTypes) && sequences.equals(s.sequences) && tables.equals(s.tables)
        && views.equals(s.views) && routines.equals(s.routines) && unmanaged.equals(s.unmanaged);
  }

  /** Hashes what {@link #equals(Object)} compares. */
  @Override
  public int hashCode() {
    return Objects.hash(dialect, schemas, extensions, enums, domains, compositeTypes, sequences, tables, views,
        routines, unmanaged);
  }

  /**
   * Returns an empty schema of a dialect.
   *
   * @param dialect the dialect
   * @return a schema with no objects
   */
  public static DatabaseSchema empty(Dialect dialect) {
    return new DatabaseSchema(dialect, null, null, null, null, null, null, null, null, null);
  }

  /**
   * Finds a table.
   *
   * @param schema the schema name ({@code main} for SQLite)
   * @param name the table name
   * @return the table, if present
   */
  public Optional<Table> table(String schema, String name) {
    return Optional.ofNullable(((TableList) tables).find(schema, name));
  }

  /** Returns whether the model holds no object at all besides schemas. */
  public boolean isEmpty() {
    return extensions.isEmpty() && enums.isEmpty() && domains.isEmpty() && compositeTypes.isEmpty()
        && sequences.isEmpty() && tables.isEmpty() && views.isEmpty() && routines.isEmpty();
  }
}
