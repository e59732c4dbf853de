package dev.lockplane.internal.planner;

import dev.lockplane.internal.planner.Operation.*;
import dev.lockplane.internal.planner.OperationInfo.Kind;
import dev.lockplane.schema.Column;
import dev.lockplane.schema.Dependency;
import dev.lockplane.schema.Table;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Adds the databases' own dependency edges ({@link dev.lockplane.schema.DatabaseSchema#dependencies()})
 * to the keys {@link OperationInfo} derives from the model, so that any kind of object is ordered
 * by what PostgreSQL recorded it uses. An operation that creates or changes an object needs, first,
 * what the object depends on in the desired database; one that changes or drops it must run before
 * what it depended on in the current database goes away. A key no operation provides or removes
 * orders nothing, and models without edges (SQLite, JSON documents) leave the keys as they were.
 */
final class CatalogDependencies {
  private CatalogDependencies() {}

  /**
   * Adds the edges to the operations' keys.
   *
   * @param infos the operations
   * @param current the edges of the current database
   * @param desired the edges of the desired database
   */
  static void add(List<OperationInfo> infos, List<Dependency> current, List<Dependency> desired) {
    if (current.isEmpty() && desired.isEmpty()) {
      return;
    }
    Map<String, List<String>> before = byObject(current);
    Map<String, List<String>> after = byObject(desired);
    for (OperationInfo i : infos) {
      Set<String> subjects = subjects(i.op);
      Set<String> needs = new LinkedHashSet<>();
      Set<String> oldNeeds = new LinkedHashSet<>();
      for (String s : subjects) {
        if (i.kind != Kind.DROP) {
          needs.addAll(after.getOrDefault(s, List.of()));
        }
        if (i.kind != Kind.CREATE) {
          oldNeeds.addAll(before.getOrDefault(s, List.of()));
        }
      }
      if (i.op instanceof AlterColumn a) {
        // A column without a default or generation expression calls no function and reads no
        // sequence, whatever the edges of its name say: a default dropped around a re-created
        // function must go before the function, and one set again must come after it.
        if (!computes(a.to())) {
          needs.removeIf(CatalogDependencies::computed);
        }
        if (!computes(a.from())) {
          oldNeeds.removeIf(CatalogDependencies::computed);
        }
      }
      if (i.op instanceof AlterDomain) {
        // The domain's edges to functions are those of its checks and default, and OperationInfo
        // takes them from the checks and default each side has: a check taken off around a
        // re-created function must go before the function, and put back after it.
        needs.removeIf(k -> k.startsWith("fn:"));
        oldNeeds.removeIf(k -> k.startsWith("fn:"));
      }
      // What an object used before and still uses after is needed in its new shape: ordering the
      // change both after and before the same other change would be a cycle.
      oldNeeds.removeAll(needs);
      needs.removeAll(i.provides);
      oldNeeds.removeAll(i.provides);
      oldNeeds.removeAll(i.removes);
      i.needs.addAll(needs);
      i.oldNeeds.addAll(oldNeeds);
    }
  }

  private static boolean computes(Column c) {
    return c.defaultValue() != null || c.generated() != null;
  }

  private static boolean computed(String key) {
    return key.startsWith("fn:") || key.startsWith("seq:");
  }

  private static Map<String, List<String>> byObject(List<Dependency> edges) {
    Map<String, List<String>> m = new HashMap<>();
    edges.forEach(d -> m.computeIfAbsent(d.object(), k -> new ArrayList<>()).add(d.dependsOn()));
    return m;
  }

  /** The keys of the catalog objects an operation creates, changes or drops (none for renames, comments). */
  static Set<String> subjects(Operation op) {
    Set<String> s = new LinkedHashSet<>();
    if (op instanceof CreateExtension o) {
      s.add("ext:" + o.extension().name());
    } else if (op instanceof DropExtension o) {
      s.add("ext:" + o.extension().name());
    } else if (op instanceof CreateEnum o) {
      s.add(type(o.type().schema(), o.type().name()));
    } else if (op instanceof DropEnum o) {
      s.add(type(o.type().schema(), o.type().name()));
    } else if (op instanceof AddEnumValue o) {
      s.add(type(o.type().schema(), o.type().name()));
    } else if (op instanceof RecreateEnum o) {
      s.add(type(o.to().schema(), o.to().name()));
    } else if (op instanceof CreateDomain o) {
      s.add(type(o.domain().schema(), o.domain().name()));
    } else if (op instanceof DropDomain o) {
      s.add(type(o.domain().schema(), o.domain().name()));
    } else if (op instanceof AlterDomain o) {
      s.add(type(o.to().schema(), o.to().name()));
    } else if (op instanceof CreateComposite o) {
      s.add(type(o.type().schema(), o.type().name()));
    } else if (op instanceof DropComposite o) {
      s.add(type(o.type().schema(), o.type().name()));
    } else if (op instanceof CreateSequence o) {
      s.add("seq:" + o.sequence().schema() + "." + o.sequence().name());
    } else if (op instanceof DropSequence o) {
      s.add("seq:" + o.sequence().schema() + "." + o.sequence().name());
    } else if (op instanceof AlterSequence o) {
      s.add("seq:" + o.to().schema() + "." + o.to().name());
    } else if (op instanceof CreateTable o) {
      table(s, o.table());
    } else if (op instanceof DropTable o) {
      table(s, o.table());
    } else if (op instanceof AddColumn o) {
      s.add(column(o.table(), o.column()));
    } else if (op instanceof DropColumn o) {
      s.add(column(o.table(), o.column()));
    } else if (op instanceof AlterColumn o) {
      s.add(column(o.table(), o.to()));
    } else if (op instanceof AddConstraint o) {
      s.add("con:" + o.table().qualifiedName() + "." + o.constraint().name());
    } else if (op instanceof DropConstraint o) {
      s.add("con:" + o.table().qualifiedName() + "." + o.constraint().name());
    } else if (op instanceof ValidateConstraint o) {
      s.add("con:" + o.table().qualifiedName() + "." + o.constraint().name());
    } else if (op instanceof CreateIndex o) {
      s.add("idx:" + o.schema() + "." + o.index().name());
    } else if (op instanceof DropIndex o) {
      s.add("idx:" + o.schema() + "." + o.index().name());
    } else if (op instanceof CreateView o) {
      s.add("rel:" + o.view().qualifiedName());
    } else if (op instanceof DropView o) {
      s.add("rel:" + o.view().qualifiedName());
    } else if (op instanceof CreateRoutine o) {
      s.add("fn:" + o.routine().schema() + "." + o.routine().name());
    } else if (op instanceof DropRoutine o) {
      s.add("fn:" + o.routine().schema() + "." + o.routine().name());
    } else if (op instanceof CreateTrigger o) {
      s.add("trg:" + o.table().qualifiedName() + "." + o.trigger().name());
    } else if (op instanceof DropTrigger o) {
      s.add("trg:" + o.table().qualifiedName() + "." + o.trigger().name());
    } else if (op instanceof CreatePolicy o) {
      s.add("pol:" + o.table().qualifiedName() + "." + o.policy().name());
    } else if (op instanceof DropPolicy o) {
      s.add("pol:" + o.table().qualifiedName() + "." + o.policy().name());
    }
    return s;
  }

  private static String type(String schema, String name) {
    return "type:" + schema + "." + name;
  }

  private static void table(Set<String> into, Table t) {
    into.add("rel:" + t.qualifiedName());
    into.add("type:" + t.qualifiedName());
    t.columns().forEach(c -> into.add(column(t, c)));
  }

  private static String column(Table t, Column c) {
    return "col:" + t.qualifiedName() + "." + c.name();
  }
}
