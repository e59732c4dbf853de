package dev.lockplane.schema;

import java.util.Objects;

/**
 * One edge of a database's own dependency catalog ({@code pg_depend} in PostgreSQL): {@code object}
 * cannot exist without {@code dependsOn}. The planner orders its steps along these edges, so that
 * an object is created after, and dropped before, what it uses, whatever its kind.
 *
 * <p>Both ends are object keys: {@code rel:schema.name} (a table, view or materialized view),
 * {@code col:schema.table.column} (a table column, on the dependent side only), {@code
 * type:schema.name} (an enum, domain, composite type or a table's row type), {@code seq:schema.name},
 * {@code fn:schema.name} (every overload of a function, procedure or aggregate), {@code
 * idx:schema.name}, {@code con:schema.table.name} (a table constraint), {@code
 * trg:schema.table.name}, {@code pol:schema.table.name}, {@code schema:name} and {@code ext:name}
 * (an extension and every object it owns).
 *
 * @param object the key of the dependent object
 * @param dependsOn the key of the object it depends on
 */
public record Dependency(String object, String dependsOn) implements Comparable<Dependency> {
  /** Validates the keys. */
  public Dependency {
    Objects.requireNonNull(object, "object");
    Objects.requireNonNull(dependsOn, "dependsOn");
  }

  /** Orders by dependent, then by what it depends on. */
  @Override
  public int compareTo(Dependency other) {
    int c = object.compareTo(other.object);
    return c != 0 ? c : dependsOn.compareTo(other.dependsOn);
  }
}
