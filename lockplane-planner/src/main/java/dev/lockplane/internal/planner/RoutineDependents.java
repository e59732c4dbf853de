package dev.lockplane.internal.planner;

import dev.lockplane.schema.Dependency;
import dev.lockplane.schema.Routine;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What uses a function that a plan drops and creates again. PostgreSQL refuses {@code DROP
 * FUNCTION} while a view, a column default, a constraint, an index, a trigger or a policy uses
 * it, so those are dropped before the function and created again after it; the current
 * database's {@code pg_depend} edges say which they are.
 */
final class RoutineDependents {
  private final Set<String> keys;

  private RoutineDependents(Set<String> keys) {
    this.keys = keys;
  }

  /**
   * Finds the dependents.
   *
   * @param current the edges of the current database
   * @param recreated the functions dropped and created again (or only dropped), as {@code schema.name}
   * @return the dependents
   */
  static RoutineDependents of(List<Dependency> current, Set<String> recreated) {
    if (recreated.isEmpty() || current.isEmpty()) {
      return new RoutineDependents(Set.of());
    }
    Map<String, Set<String>> users = new HashMap<>();
    current.forEach(d -> users.computeIfAbsent(d.dependsOn(), k -> new HashSet<>()).add(d.object()));
    Set<String> found = new HashSet<>();
    Deque<String> todo = new ArrayDeque<>();
    recreated.forEach(r -> todo.add("fn:" + r));
    while (!todo.isEmpty()) {
      for (String user : users.getOrDefault(todo.poll(), Set.of())) {
        // A view goes with what it reads, and whatever reads the view goes with it. A column only
        // loses its default, and a constraint or index is re-created, so what uses them stays.
        if (found.add(user) && user.startsWith("rel:")) {
          todo.add(user);
        }
      }
    }
    return new RoutineDependents(found);
  }

  /** Whether the object with this dependency key uses a re-created function. */
  boolean contains(String key) {
    return keys.contains(key);
  }

  /**
   * Whether {@code CREATE OR REPLACE} can turn one routine into the other: the kind and result
   * stay, and no parameter loses its default (PostgreSQL refuses to remove defaults in place;
   * renamed parameters already give another signature).
   */
  static boolean replaceable(Routine from, Routine to) {
    return from.kind() == to.kind() && java.util.Objects.equals(from.result(), to.result())
        && defaults(to.definition()) >= defaults(from.definition());
  }

  /** The number of parameter defaults in a routine's CREATE statement, as pg_get_functiondef prints it. */
  static int defaults(String definition) {
    int open = definition.indexOf('(');
    if (open < 0) {
      return 0;
    }
    int depth = 0;
    int count = 0;
    boolean quoted = false;
    for (int k = open; k < definition.length(); k++) {
      char ch = definition.charAt(k);
      if (ch == '\'') {
        quoted = !quoted;
      } else if (quoted) {
        continue;
      } else if (ch == '(') {
        depth++;
      } else if (ch == ')' && --depth == 0) {
        break;
      } else if (depth == 1 && definition.startsWith(" DEFAULT ", k)) {
        count++;
      }
    }
    return count;
  }
}
