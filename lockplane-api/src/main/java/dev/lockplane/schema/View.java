package dev.lockplane.schema;

import java.util.List;
import java.util.Objects;

/**
 * A view or a materialized view.
 *
 * @param schema the schema
 * @param name the view name
 * @param materialized whether it is a materialized view
 * @param definition the query, as the database prints it
 * @param dependsOn the tables and views it reads, as {@code schema.name}, sorted
 * @param indexes the indexes of a materialized view
 * @param comment the comment, or null
 * @param triggers the triggers on the view ({@code INSTEAD OF}), sorted by name
 */
public record View(
    String schema,
    String name,
    boolean materialized,
    String definition,
    List<String> dependsOn,
    List<Index> indexes,
    String comment,
    List<Trigger> triggers) {
  /** Validates and copies the record. */
  public View {
    Objects.requireNonNull(schema, "schema");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(definition, "definition");
    dependsOn = Lists.copy(dependsOn);
    indexes = Lists.copy(indexes);
    triggers = Lists.copy(triggers);
  }

  /**
   * Creates a view without triggers.
   *
   * @param schema the schema
   * @param name the view name
   * @param materialized whether it is a materialized view
   * @param definition the query
   * @param dependsOn the relations it reads
   * @param indexes the indexes of a materialized view
   * @param comment the comment, or null
   */
  public View(String schema, String name, boolean materialized, String definition, List<String> dependsOn,
      List<Index> indexes, String comment) {
    this(schema, name, materialized, definition, dependsOn, indexes, comment, null);
  }

  /** Returns {@code schema.name}. */
  public String qualifiedName() {
    return schema + "." + name;
  }
}
