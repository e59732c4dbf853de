package dev.lockplane.internal.planner;

import dev.lockplane.schema.CompositeType;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Rename hints on a composite type's attributes, the way column hints work: a hint counts when the
 * current type has the old name and neither has the new one as well, and the desired type no longer
 * has the old name. A hint that does not fit is ignored (the attribute is then dropped and added).
 */
final class CompositeRenames {
  private CompositeRenames() {}

  /**
   * The renames the desired type's hints ask for.
   *
   * @param current the type as it is
   * @param desired the type as wanted, with its hints
   * @return old name to new name, sorted
   */
  static SortedMap<String, String> of(CompositeType current, CompositeType desired) {
    Set<String> have = current.attributes().stream().map(CompositeType.Attribute::name).collect(Collectors.toSet());
    Set<String> want = desired.attributes().stream().map(CompositeType.Attribute::name).collect(Collectors.toSet());
    SortedMap<String, String> renames = new TreeMap<>();
    for (CompositeType.Attribute a : desired.attributes()) {
      String old = a.renamedFrom();
      if (old != null && have.contains(old) && !want.contains(old) && !have.contains(a.name())
          && !renames.containsKey(old)) {
        renames.put(old, a.name());
      }
    }
    return renames;
  }

  /**
   * The current type as it is once the renames ran.
   *
   * @param current the type as it is
   * @param renames old name to new name
   * @return the type with the new names
   */
  static CompositeType applied(CompositeType current, SortedMap<String, String> renames) {
    if (renames.isEmpty()) {
      return current;
    }
    return new CompositeType(current.schema(), current.name(), current.attributes().stream()
        .map(a -> new CompositeType.Attribute(renames.getOrDefault(a.name(), a.name()), a.type(), a.collation()))
        .toList(), current.comment());
  }
}
