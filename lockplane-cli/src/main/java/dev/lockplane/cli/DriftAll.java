package dev.lockplane.cli;

import dev.lockplane.cli.OutputOptions.Format;
import dev.lockplane.plan.Difference;
import dev.lockplane.plan.DriftReport;
import dev.lockplane.plan.HistoryEntry;
import dev.lockplane.planner.Desired;
import dev.lockplane.planner.Lockplane;
import dev.lockplane.planner.Planner;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;

/**
 * {@code lockplane drift --all}: every environment of the configuration compared with its desired
 * schema, in parallel (bounded), and the histories compared with each other. One row per
 * environment and difference; an environment that cannot be read is a row with its reason, and the
 * others are still reported.
 */
final class DriftAll {
  /** What one environment gave: its drift and applies, or why it could not be read. */
  record Outcome(String name, DriftReport drift, Set<String> applies, String error) {}

  /** One row of the table. */
  record Row(String environment, String kind, String text) {}

  private DriftAll() {}

  /**
   * Checks every environment.
   *
   * @param names the environments, in output order
   * @param check reads one environment (may throw)
   * @param parallel the most environments read at once
   * @return the outcomes, in the order of {@code names}
   */
  static List<Outcome> run(List<String> names, Function<String, Outcome> check, int parallel, Cli cli) {
    ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Math.min(parallel, names.size())), r -> {
      Thread t = new Thread(r, "lockplane-drift");
      t.setDaemon(true);
      return t;
    });
    try {
      List<Future<Outcome>> futures = new ArrayList<>();
      for (String n : names) {
        futures.add(pool.submit(() -> {
          try {
            return check.apply(n);
          } catch (RuntimeException e) {
            String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            if (e instanceof dev.lockplane.LockplaneException le) {
              m = le.code() + ": " + m;
            }
            return new Outcome(n, null, Set.of(), cli.mask(m));
          }
        }));
      }
      List<Outcome> out = new ArrayList<>();
      for (Future<Outcome> f : futures) {
        try {
          out.add(f.get());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted", e);
        } catch (java.util.concurrent.ExecutionException e) {
          throw new IllegalStateException(e.getCause());
        }
      }
      return out;
    } finally {
      pool.shutdownNow();
    }
  }

  /** Reads one environment: drift against its desired schema, and the applies in its history. */
  static Outcome check(String name, Target target, Desired desired, Planner planner) {
    DriftReport drift = planner.drift(target.dataSource(), desired);
    Set<String> applies = new LinkedHashSet<>();
    for (HistoryEntry e : planner.history(target.dataSource())) {
      if (e.outcome() == HistoryEntry.Outcome.APPLIED) {
        applies.add(e.sourceHash() + " -> " + e.targetHash());
      }
    }
    return new Outcome(name, drift, applies, null);
  }

  /** A planner for an environment: its scratch server, if it names one. */
  static Planner planner(Target scratch) {
    Planner.Builder b = Lockplane.planner();
    if (scratch != null) {
      b.scratchServer(scratch.url(), scratch.user() == null ? "" : scratch.user(),
          scratch.password() == null ? "" : scratch.password());
    }
    return b.build();
  }

  /** The table: each environment's differences, its missing applies, or its error. */
  static List<Row> rows(List<Outcome> outcomes) {
    List<Row> rows = new ArrayList<>();
    for (Outcome o : outcomes) {
      if (o.error() != null) {
        rows.add(new Row(o.name(), "error", "could not be checked: " + o.error()));
        continue;
      }
      for (Difference d : o.drift().differences()) {
        rows.add(new Row(o.name(), "drift", sentence(o.name(), d)));
      }
      for (Outcome other : outcomes) {
        if (other == o || other.error() != null) {
          continue;
        }
        long missing = other.applies().stream().filter(a -> !o.applies().contains(a)).count();
        if (missing > 0) {
          rows.add(new Row(o.name(), "history", o.name() + " lacks " + missing + " appl" + (missing == 1 ? "y" : "ies")
              + " that " + other.name() + " has (from their history tables)"));
        }
      }
      if (o.drift().isEmpty() && rows.stream().noneMatch(r -> r.environment().equals(o.name()))) {
        rows.add(new Row(o.name(), "ok", "at the desired schema"));
      }
    }
    return rows;
  }

  private static String sentence(String env, Difference d) {
    return switch (d.kind()) {
      case EXTRA -> env + " has extra " + d.objectType() + " " + d.name() + " not in the desired schema";
      case MISSING -> env + " lacks " + d.objectType() + " " + d.name() + " of the desired schema";
      case DIFFERENT -> env + " has " + d.objectType() + " " + d.name() + " different from the desired schema"
          + (d.detail() == null ? "" : " (" + d.detail() + ")");
    };
  }

  /** Prints the table in the format asked for. */
  static String render(List<Outcome> outcomes, Format format) {
    List<Row> rows = rows(outcomes);
    if (format == Format.JSON) {
      List<Map<String, Object>> envs = new ArrayList<>();
      for (Outcome o : outcomes) {
        Map<String, Object> m = new TreeMap<>();
        m.put("name", o.name());
        m.put("status", o.error() != null ? "error" : o.drift().isEmpty() ? "ok" : "drifted");
        if (o.error() != null) {
          m.put("error", o.error());
        } else {
          m.put("liveHash", o.drift().liveHash());
          m.put("desiredHash", o.drift().desiredHash());
          m.put("differences", o.drift().differences().stream().map(Difference::toText).toList());
        }
        m.put("rows", rows.stream().filter(r -> r.environment().equals(o.name()) && !r.kind().equals("ok"))
            .map(Row::text).toList());
        envs.add(m);
      }
      Map<String, Object> json = new TreeMap<>();
      json.put("command", "drift");
      json.put("environments", envs);
      return Json.write(json);
    }
    StringBuilder b = new StringBuilder();
    if (format == Format.MARKDOWN) {
      b.append("| environment | | difference |\n|---|---|---|\n");
      for (Row r : rows) {
        b.append("| ").append(r.environment()).append(" | ").append(r.kind()).append(" | ")
            .append(r.text().replace("|", "\\|")).append(" |\n");
      }
      return b.toString();
    }
    int width = rows.stream().mapToInt(r -> r.environment().length()).max().orElse(11);
    for (Row r : rows) {
      b.append(String.format(Locale.ROOT, "%-" + width + "s  %-7s  %s%n", r.environment(), r.kind(), r.text()));
    }
    return b.toString();
  }
}
