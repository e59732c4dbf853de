package dev.lockplane.internal.planner;

import dev.lockplane.internal.planner.Operation.AlterDomain;
import dev.lockplane.internal.planner.Operation.DropDomain;
import dev.lockplane.schema.Constraint;
import dev.lockplane.schema.DatabaseSchema;
import dev.lockplane.schema.Domain;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Domains whose CHECK constraints or DEFAULT call a function that the plan drops and creates again.
 * PostgreSQL refuses {@code DROP FUNCTION} while they use it, and a domain cannot be dropped while
 * columns have its type, so the domain stays: the checks and the default that call the function
 * are taken off before the function's drop and put back after its creation. The rows keep their
 * values; the checks put back are validated against them.
 */
final class DomainsOnRecreated {
  private DomainsOnRecreated() {}

  /**
   * Splits the change of each such domain in two steps.
   *
   * @param from the current schema
   * @param to the wanted schema
   * @param users what uses the re-created functions
   * @param recreated the re-created functions, as {@code schema.name}
   * @param before the bucket of steps that run before functions are dropped
   * @param dropTypes the differ's type drops (a domain dropped there needs nothing more)
   * @param createTypes the differ's type changes, where a domain's own change is replaced
   */
  static void split(DatabaseSchema from, DatabaseSchema to, RoutineDependents users, Set<String> recreated,
      List<Operation> before, List<Operation> dropTypes, List<Operation> createTypes) {
    if (recreated.isEmpty()) {
      return;
    }
    Set<String> keys = new HashSet<>();
    recreated.forEach(r -> keys.add("fn:" + r));
    for (Domain o : from.domains()) {
      String key = o.schema() + "." + o.name();
      Domain n = to.domains().stream().filter(d -> (d.schema() + "." + d.name()).equals(key)).findFirst().orElse(null);
      if (n == null || !users.contains("type:" + key) || !o.baseType().equals(n.baseType())
          || !Objects.equals(o.collation(), n.collation()) || dropped(dropTypes, key)) {
        // Dropped or re-created domains are dropped before the function by their own order.
        continue;
      }
      Domain bare = withoutCalls(o, keys);
      if (bare.equals(o)) {
        continue;
      }
      before.add(new AlterDomain(o, bare));
      int at = -1;
      for (int i = 0; i < createTypes.size(); i++) {
        if (createTypes.get(i) instanceof AlterDomain a && a.from().equals(o)) {
          at = i;
        }
      }
      if (at >= 0) {
        createTypes.set(at, new AlterDomain(bare, n));
      } else {
        createTypes.add(new AlterDomain(bare, n));
      }
    }
  }

  private static boolean dropped(List<Operation> dropTypes, String key) {
    return dropTypes.stream().anyMatch(op -> op instanceof DropDomain d
        && (d.domain().schema() + "." + d.domain().name()).equals(key));
  }

  /**
   * The domain without the checks and default that call one of the functions. When none is seen
   * calling one by name (pg_depend knows better than the text), all of them go.
   */
  private static Domain withoutCalls(Domain d, Set<String> functions) {
    List<Constraint.Check> kept = d.checks().stream().filter(c -> !calls(c.expression(), d.schema(), functions)).toList();
    boolean defaultCalls = d.defaultValue() != null && calls(d.defaultValue(), d.schema(), functions);
    if (kept.size() == d.checks().size() && !defaultCalls) {
      kept = List.of();
      defaultCalls = d.defaultValue() != null;
    }
    return new Domain(d.schema(), d.name(), d.baseType(), d.notNull(), defaultCalls ? null : d.defaultValue(),
        d.collation(), kept, d.comment());
  }

  private static boolean calls(String expression, String schema, Set<String> functions) {
    Set<String> called = new HashSet<>();
    OperationInfo.functionKeys(called, expression, schema);
    called.retainAll(functions);
    return !called.isEmpty();
  }
}
