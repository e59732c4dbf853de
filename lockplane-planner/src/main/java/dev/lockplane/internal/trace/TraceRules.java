package dev.lockplane.internal.trace;

import dev.lockplane.internal.trace.CatalogState.Att;
import dev.lockplane.internal.trace.CatalogState.Con;
import dev.lockplane.internal.trace.CatalogState.Idx;
import dev.lockplane.internal.trace.CatalogState.Rel;
import dev.lockplane.internal.trace.TraceSession.Entry;
import dev.lockplane.plan.LockMode;
import dev.lockplane.safety.DdlKind;
import dev.lockplane.safety.Finding;
import dev.lockplane.safety.LockCatalogue;
import dev.lockplane.safety.StepResult;
import dev.lockplane.trace.TraceRule;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Decides the {@link TraceRule}s from what was observed around a statement (locks, files replaced,
 * catalog before and after, the error) and around a transaction (which statements took which locks
 * and how long the later ones ran). Nothing here reads the statement's text.
 */
final class TraceRules {
  private TraceRules() {}

  /** The weakest mode that blocks writes: SHARE and stronger are "strong" locks. */
  private static final LockMode STRONG = LockMode.SHARE;

  static void statement(Entry e, CatalogState before, CatalogState after, Set<Long> baseline, boolean noLockTimeout,
      LockCatalogue catalogue, boolean autocommit) {
    if ("25001".equals(e.sqlState)) {
      add(e, TraceRule.CONCURRENTLY_IN_TRANSACTION, e.error);
    }
    if (before == null || after == null) {
      return;
    }
    Set<Long> explainedRewrites = new HashSet<>();
    Set<Long> explainedIndexes = new HashSet<>();
    Set<String> explainedNotNull = new HashSet<>();

    // Constraints new in this statement on tables that existed before the migration.
    for (Con k : after.constraints().values()) {
      if (before.constraints().containsKey(k.oid()) || !baseline.contains(k.rel())) {
        continue;
      }
      String table = after.relations().get(k.rel()).name();
      if (k.type() == 'f' && k.validated()) {
        add(e, TraceRule.ADD_FOREIGN_KEY_VALIDATED, table + "." + k.name() + lockText(e, table));
      } else if (k.type() == 'c' && k.validated()) {
        add(e, TraceRule.ADD_CHECK_VALIDATED, table + "." + k.name() + lockText(e, table));
      } else if ((k.type() == 'u' || k.type() == 'p') && !before.indexes().containsKey(k.index())) {
        add(e, TraceRule.UNIQUE_BUILT_UNDER_LOCK, table + "." + k.name() + lockText(e, table));
        explainedIndexes.add(k.index());
        if (k.type() == 'p') {
          for (String num : k.keys().split(",")) {
            explainedNotNull.add(k.rel() + "/" + num);
          }
        }
      } else if (k.type() == 'u' || k.type() == 'p') {
        explainedIndexes.add(k.index());
      }
    }

    // Columns of tables that existed before.
    for (Att now : after.attributes().values()) {
      if (!baseline.contains(now.rel())) {
        continue;
      }
      String key = now.rel() + "/" + now.num();
      Att was = before.attributes().get(key);
      Rel table = after.relations().get(now.rel());
      boolean rewritten = rewritten(before, after, now.rel());
      if (was == null) {
        if (rewritten && now.hasDefault() && now.generated().isEmpty()) {
          add(e, TraceRule.ADD_COLUMN_VOLATILE_DEFAULT, table.name() + "." + now.name() + lockText(e, table.name()));
          explainedRewrites.add(now.rel());
        }
        continue;
      }
      if (was.dropped()) {
        continue;
      }
      if (now.dropped()) {
        add(e, TraceRule.DROP_COLUMN, table.name() + "." + was.name());
        continue;
      }
      if (!was.name().equals(now.name())) {
        add(e, TraceRule.RENAME_COLUMN, table.name() + "." + was.name() + " is now " + now.name());
      }
      if ((was.type() != now.type() || was.typmod() != now.typmod()) && rewritten) {
        add(e, TraceRule.COLUMN_TYPE_REWRITE, table.name() + "." + now.name() + lockText(e, table.name()));
        explainedRewrites.add(now.rel());
      }
      if (!was.notNull() && now.notNull() && !explainedNotNull.contains(key) && !proven(before, was)) {
        add(e, TraceRule.SET_NOT_NULL_UNDER_LOCK, table.name() + "." + now.name() + lockText(e, table.name()));
      }
    }

    // Relations that existed before the migration.
    for (Rel was : before.relations().values()) {
      if (!baseline.contains(was.oid())) {
        continue;
      }
      Rel now = after.relations().get(was.oid());
      boolean table = was.kind() == 'r' || was.kind() == 'p';
      if (now == null) {
        if (table) {
          add(e, TraceRule.DROP_TABLE, was.name());
        }
        continue;
      }
      if (!was.name().equals(now.name()) && was.kind() != 'i') {
        add(e, TraceRule.RENAME_TABLE, was.name() + " is now " + now.name());
      }
      boolean rewritten = was.filenode() != 0 && now.filenode() != was.filenode();
      if (!rewritten || explainedRewrites.contains(was.oid())) {
        continue;
      }
      if (was.kind() == 'm') {
        add(e, TraceRule.REFRESH_MATERIALIZED_VIEW_BLOCKING, now.name()
            + lockText(infer(e, now.name(), DdlKind.REFRESH_MATERIALIZED_VIEW, catalogue, autocommit), now.name()));
      } else if (was.kind() == 'r') {
        if (now.size() == 0 && unchanged(before, after, was.oid())) {
          add(e, TraceRule.TRUNCATE, now.name() + lockText(infer(e, now.name(), DdlKind.TRUNCATE, catalogue, autocommit),
              now.name()));
        } else if (was.sameExceptFiles(now) && unchanged(before, after, was.oid())) {
          add(e, TraceRule.VACUUM_FULL_OR_CLUSTER, now.name()
              + lockText(infer(e, now.name(), DdlKind.VACUUM_FULL, catalogue, autocommit), now.name()));
        } else {
          add(e, TraceRule.TABLE_REWRITE, now.name() + lockText(e, now.name()));
        }
      }
    }

    // Indexes of tables that existed before and were not rewritten as a whole.
    // A rewrite of the table rebuilds its indexes (ALTER COLUMN TYPE even re-creates them): explained.
    for (Idx now : after.indexes().values()) {
      if (!baseline.contains(now.rel()) || explainedIndexes.contains(now.oid()) || rewritten(before, after, now.rel())) {
        continue;
      }
      String table = after.relations().get(now.rel()).name();
      LockMode mode = lockOn(e, table);
      boolean strong = mode != null && mode.compareTo(STRONG) >= 0;
      if (!before.indexes().containsKey(now.oid())) {
        if (strong) {
          add(e, TraceRule.CREATE_INDEX_BLOCKING, after.relations().get(now.oid()).name() + " on " + table
              + lockText(e, table));
        }
      } else if (strong && !rewritten(before, after, now.rel()) && rewritten(before, after, now.oid())) {
        add(e, TraceRule.REINDEX_BLOCKING, after.relations().get(now.oid()).name() + lockText(e, table));
      }
    }
    for (Idx was : before.indexes().values()) {
      Rel table = after.relations().get(was.rel());
      boolean ownedByConstraint = before.constraints().values().stream().anyMatch(k -> k.index() == was.oid());
      if (!baseline.contains(was.rel()) || after.indexes().containsKey(was.oid()) || table == null || ownedByConstraint
          || rewritten(before, after, was.rel())) {
        continue;
      }
      LockMode mode = lockOn(e, table.name());
      if (mode != null && mode.compareTo(STRONG) >= 0) {
        add(e, TraceRule.DROP_INDEX_BLOCKING, before.relations().get(was.oid()).name() + lockText(e, table.name()));
      }
    }

    if (noLockTimeout) {
      for (Entry.Lock l : e.locks.values()) {
        if (l.mode.compareTo(STRONG) >= 0 && l.table) {
          add(e, TraceRule.LOCK_TIMEOUT_MISSING, l.mode.sqlName() + " on " + l.relation + " with lock_timeout = 0");
          break;
        }
      }
    }
  }

  /** The rules that need the whole transaction: several strongly locked tables, locks held across slow statements. */
  static void transaction(List<Entry> entries, Duration slow) {
    Map<String, Entry> strongTables = new LinkedHashMap<>();
    Map<String, Entry.Lock> strongLocks = new LinkedHashMap<>();
    boolean reported = false;
    for (Entry e : entries) {
      for (Map.Entry<String, Entry.Lock> h : strongLocks.entrySet()) {
        Entry taker = strongTables.get(h.getKey());
        if (taker != e && e.duration().compareTo(slow) >= 0) {
          add(e, TraceRule.LOCK_HELD_ACROSS_SLOW_STATEMENT, h.getValue().mode.sqlName() + " on " + h.getKey()
              + " (taken by statement " + taker.number + " at " + taker.location + ") stayed held while this statement ran "
              + StepResult.human(e.duration()));
          break;
        }
      }
      for (Entry.Lock l : e.locks.values()) {
        if (l.mode.compareTo(STRONG) >= 0 && l.table && !strongTables.containsKey(l.relation)) {
          strongTables.put(l.relation, e);
          strongLocks.put(l.relation, l);
        }
      }
      if (!reported && new HashSet<>(strongTables.values()).size() >= 2) {
        add(e, TraceRule.SEVERAL_TABLES_LOCKED, "write-blocking locks on " + String.join(", ", strongTables.keySet())
            + " in transaction " + e.transaction);
        reported = true;
      }
    }
  }

  /**
   * Outside a transaction the lock is gone before the statement returns, and a short statement may
   * escape every sample: the catalogue, whose modes were observed by the lock experiments, supplies it.
   */
  private static Entry infer(Entry e, String relation, DdlKind kind, LockCatalogue catalogue, boolean autocommit) {
    if (autocommit && !e.locks.containsKey(relation) && catalogue.supports(kind)) {
      LockMode mode = catalogue.entry(kind).lockOn("table");
      if (mode == null) {
        mode = catalogue.entry(kind).strongestLock();
      }
      Entry.Lock l = new Entry.Lock(relation, mode, e.start, false, true);
      l.heldNanos = e.end - e.start;
      e.locks.put(relation, l);
      e.effective.put(relation, mode);
    }
    return e;
  }

  private static LockMode lockOn(Entry e, String relation) {
    return e.effective.get(relation);
  }

  private static String lockText(Entry e, String relation) {
    LockMode mode = e.effective.get(relation);
    return mode == null ? "" : " (" + mode.sqlName() + " on " + relation + ")";
  }

  private static boolean rewritten(CatalogState before, CatalogState after, long oid) {
    Rel was = before.relations().get(oid);
    Rel now = after.relations().get(oid);
    return was != null && now != null && was.filenode() != 0 && was.filenode() != now.filenode();
  }

  /** Whether a table's columns, constraints and index set are what they were. */
  private static boolean unchanged(CatalogState before, CatalogState after, long oid) {
    return before.columnsOf(oid).equals(after.columnsOf(oid))
        && before.constraintsOf(oid).equals(after.constraintsOf(oid))
        && before.indexes().values().stream().filter(i -> i.rel() == oid).map(Idx::oid).toList().stream()
            .allMatch(after.indexes()::containsKey);
  }

  /** Whether a valid {@code CHECK (c IS NOT NULL)} let PostgreSQL set NOT NULL without a scan. */
  private static boolean proven(CatalogState before, Att column) {
    String expected = "CHECK " + column.name() + " IS NOT NULL";
    return before.constraintsOf(column.rel()).values().stream().anyMatch(k -> k.type() == 'c' && k.validated()
        && k.definition().replace("(", "").replace(")", "").replace("\"", "").strip().equals(expected));
  }

  private static void add(Entry e, TraceRule rule, String detail) {
    e.findings.add(new Finding(rule.id(), rule.risk(), rule.description() + ": " + detail, rule.saferAlternative()));
  }
}
