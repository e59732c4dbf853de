package dev.lockplane.internal.planner;

import dev.lockplane.ErrorCode;
import dev.lockplane.LockplaneException;
import dev.lockplane.internal.planner.OperationInfo.Kind;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;


/**
 * Orders operations along their dependencies: an object is created after what it needs, dropped
 * before what it needed, and an object is dropped before it is created again. Among operations
 * free to run, the differ's default order decides, so the output is stable.
 */
public final class Ordering {
  private Ordering() {}

  public static List<OperationInfo> order(List<OperationInfo> ops) {
    int n = ops.size();
    Map<String, List<Integer>> providers = new HashMap<>();
    Map<String, List<Integer>> removers = new HashMap<>();
    for (int i = 0; i < n; i++) {
      OperationInfo op = ops.get(i);
      for (String k : op.provides) {
        providers.computeIfAbsent(k, x -> new ArrayList<>()).add(i);
      }
      for (String k : op.removes) {
        removers.computeIfAbsent(k, x -> new ArrayList<>()).add(i);
      }
    }
    List<List<Integer>> after = new ArrayList<>();
    int[] indegree = new int[n];
    for (int i = 0; i < n; i++) {
      after.add(new ArrayList<>());
    }
    for (int b = 0; b < n; b++) {
      OperationInfo ob = ops.get(b);
      // Created after what it needs.
      if (ob.kind != Kind.DROP) {
        for (String k : ob.needs) {
          for (int a : providers.getOrDefault(k, List.of())) {
            if (a != b && ops.get(a).kind != Kind.DROP) {
              edge(after, indegree, a, b);
            }
          }
        }
      }
      // Dropped or altered before what it needed goes away.
      if (ob.kind != Kind.CREATE) {
        for (String k : ob.oldNeeds) {
          for (int c : removers.getOrDefault(k, List.of())) {
            if (c != b && ops.get(c).kind != Kind.CREATE) {
              edge(after, indegree, b, c);
            }
          }
        }
      }
      // Re-created after the old one is dropped.
      if (ob.kind == Kind.CREATE) {
        for (String k : ob.provides) {
          for (int a : removers.getOrDefault(k, List.of())) {
            if (a != b && ops.get(a).kind == Kind.DROP) {
              edge(after, indegree, a, b);
            }
          }
        }
      }
    }
    PriorityQueue<Integer> ready = new PriorityQueue<>();
    for (int i = 0; i < n; i++) {
      if (indegree[i] == 0) {
        ready.add(i);
      }
    }
    List<OperationInfo> out = new ArrayList<>(n);
    while (!ready.isEmpty()) {
      int i = ready.poll();
      out.add(ops.get(i));
      for (int j : after.get(i)) {
        if (--indegree[j] == 0) {
          ready.add(j);
        }
      }
    }
    if (out.size() != n) {
      List<String> stuck = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        if (indegree[i] > 0) {
          stuck.add(ops.get(i).description);
        }
      }
      throw new LockplaneException(ErrorCode.UNSUPPORTED, "The plan has a dependency cycle between: "
          + String.join("; ", stuck) + ". Split the change into two plans.");
    }
    return out;
  }

  private static void edge(List<List<Integer>> after, int[] indegree, int a, int b) {
    List<Integer> list = after.get(a);
    // Duplicate edges would count twice in the in-degree; lists stay short, so a scan is cheap.
    if (!list.contains(b)) {
      list.add(b);
      indegree[b]++;
    }
  }

}
