package dev.lockplane.internal.trace;

import dev.lockplane.internal.safety.LockSampler;
import dev.lockplane.internal.safety.ShadowRunner;
import dev.lockplane.plan.LockMode;
import dev.lockplane.safety.Finding;
import dev.lockplane.safety.LockCatalogue;
import dev.lockplane.trace.TracedLock;
import dev.lockplane.trace.TracedStatement;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.postgresql.core.BaseConnection;
import org.postgresql.core.TransactionState;

/**
 * Observes the statements of a migration on a clone: before each one it reads the catalog and the
 * WAL position and starts a {@link LockSampler} on the migration's backend; after it, it reads the
 * backend's own locks (exact inside a transaction), the catalog again and the WAL, and applies the
 * {@link TraceRules}. Statements stay open until their transaction ends, since their locks are held
 * until then. Whoever runs the statements (the SQL runner, Flyway, Liquibase) calls
 * {@link #before}/{@link #after} around each and {@link #transactionEnded} after a commit or rollback.
 */
final class TraceSession {
  private static final Pattern IGNORE = Pattern.compile("lockplane:ignore\\s+([A-Za-z0-9_-]+(?:\\s*,\\s*[A-Za-z0-9_-]+)*)");
  private static final String OWN_LOCKS = LockSampler.QUERY.replace("l.pid = ?", "l.pid = pg_backend_pid()");

  /** Samples locks while a statement runs; between statements it reads the WAL position. */
  private final Connection samplerConnection;
  private final Duration interval;
  /** The relations that existed before the migration (or, for a hook, before the current migration unit). */
  private Set<Long> baseline;
  private final Set<String> ignoredRules;
  private final Duration slowStatement;
  private final LockCatalogue catalogue;
  private final Consumer<TracedStatement> listener;
  private final Map<Connection, Integer> pids = new IdentityHashMap<>();
  private final List<TracedStatement> done = new ArrayList<>();
  /** When each statement ran, in order: {@code {start, end}} in {@link System#nanoTime()}. */
  private final List<long[]> times = new ArrayList<>();
  private final List<Entry> open = new ArrayList<>();
  /** Locks held by the open transaction: relation to the entry lock that took it. */
  private final Map<String, Entry.Lock> held = new TreeMap<>();
  /** False for a run that only times the statements (under load): no pauses of its own between them. */
  private final boolean measure;
  private int transactions;
  private int statements;
  private boolean failed;

  TraceSession(Connection samplerConnection, Duration interval, Set<String> ignoredRules,
      Duration slowStatement, int majorVersion, Consumer<TracedStatement> listener) throws SQLException {
    this.measure = true;
    this.samplerConnection = samplerConnection;
    this.interval = interval;
    this.baseline = CatalogState.read(samplerConnection).relations().keySet();
    this.ignoredRules = ignoredRules;
    this.slowStatement = slowStatement;
    this.catalogue = LockCatalogue.forVersion(Math.max(13, majorVersion));
    this.listener = listener;
  }

  /** A session that only records when each statement ran and in which transaction (see {@link #timingOnly}). */
  private TraceSession(Consumer<TracedStatement> listener) {
    this.measure = false;
    this.samplerConnection = null;
    this.interval = Duration.ZERO;
    this.baseline = Set.of();
    this.ignoredRules = Set.of();
    this.slowStatement = Duration.ofDays(1);
    this.catalogue = null;
    this.listener = listener;
  }

  /**
   * Returns a session that only times statements: it reads nothing between them, so that a workload
   * running beside the migration sees the migration's locks for as long as the migration holds them.
   */
  static TraceSession timingOnly(Consumer<TracedStatement> listener) {
    return new TraceSession(listener);
  }

  /** A statement being measured. */
  final class Probe {
    final Connection work;
    final Entry entry;
    final CatalogState before;
    final boolean noLockTimeout;
    final String lsn;
    final LockSampler sampler;
    final long start;

    private Probe(Connection work, Entry entry, CatalogState before, boolean noLockTimeout) throws SQLException {
      this.work = work;
      this.entry = entry;
      this.before = before;
      this.noLockTimeout = noLockTimeout;
      this.lsn = measure ? ShadowRunner.walInsertLsn(samplerConnection) : null;
      this.sampler = measure ? new LockSampler(samplerConnection, pid(work), interval) : null;
      this.start = System.nanoTime();
    }
  }

  /**
   * Takes the relations that exist now, as {@code work} sees them, as the ones that existed before: a
   * hook watching a whole run judges each migration against the schema the earlier ones left, as it
   * would be on a database where only this migration is new.
   */
  void rebaseline(Connection work) throws SQLException {
    if (measure) {
      baseline = CatalogState.read(work).relations().keySet();
    }
  }

  /** Whether a statement has failed: the trace stops there. */
  boolean failed() {
    return failed;
  }

  /**
   * Starts measuring a statement about to run on {@code work}.
   *
   * @param extraText text next to the statement that may hold {@code lockplane:ignore} comments
   */
  Probe before(Connection work, String sql, String location, String extraText) throws SQLException {
    CatalogState state = null;
    boolean noTimeout = false;
    if (measure && state(work) != TransactionState.FAILED) {
      state = CatalogState.read(work);
      try (Statement s = work.createStatement();
          ResultSet rs = s.executeQuery("SELECT current_setting('lock_timeout') IN ('0', '0ms')")) {
        rs.next();
        noTimeout = rs.getBoolean(1);
      }
    }
    Entry e = new Entry(location, sql, ignores(sql + "\n" + extraText));
    return new Probe(work, e, state, noTimeout);
  }

  /** Stops a probe whose statement is run again differently (outside the runner's own transaction). */
  void abandon(Probe p) throws SQLException {
    if (p.sampler != null) {
      p.sampler.stop();
    }
  }

  /**
   * Finishes measuring a statement.
   *
   * @param rows the update count, or -1
   * @param error the statement's failure, or null
   */
  void after(Probe p, long rows, SQLException error) throws SQLException {
    long end = System.nanoTime();
    Map<String, LockSampler.Seen> seen = p.sampler == null ? Map.of() : p.sampler.stop();
    Entry e = p.entry;
    e.number = ++statements;
    e.start = p.start;
    e.end = end;
    times.add(new long[] {p.start, end});
    e.rows = rows;
    e.wal = p.lsn == null ? 0 : ShadowRunner.walSince(samplerConnection, p.lsn);
    if (error != null) {
      e.sqlState = error.getSQLState();
      e.error = (error.getSQLState() == null ? "" : error.getSQLState() + ": ") + error.getMessage();
      failed = true;
    }
    TransactionState state = state(p.work);
    Map<String, LockMode> own = new TreeMap<>();
    if (measure && state == TransactionState.OPEN) {
      try (Statement s = p.work.createStatement(); ResultSet rs = s.executeQuery(OWN_LOCKS)) {
        while (rs.next()) {
          own.merge(rs.getString(1), LockMode.parse(rs.getString(2)), LockMode::max);
        }
      }
    }
    CatalogState after = state == TransactionState.FAILED || p.before == null ? null : CatalogState.read(p.work);
    Set<String> existing = new TreeSet<>();
    Set<String> tables = new TreeSet<>();
    for (CatalogState c : new CatalogState[] {p.before, after}) {
      if (c != null) {
        c.relations().values().stream().filter(r -> baseline.contains(r.oid())).forEach(r -> {
          existing.add(r.name());
          if (r.kind() == 'r' || r.kind() == 'p' || r.kind() == 'm') {
            tables.add(r.name());
          }
        });
      }
    }
    Set<String> relations = new TreeSet<>(seen.keySet());
    relations.addAll(own.keySet());
    relations.retainAll(existing);
    for (String rel : relations) {
      LockSampler.Seen s = seen.get(rel);
      LockMode mode = s == null ? own.get(rel) : own.containsKey(rel) ? LockMode.max(s.mode(), own.get(rel)) : s.mode();
      e.effective.put(rel, mode);
      Entry.Lock already = held.get(rel);
      if (already != null && already.mode.compareTo(mode) >= 0) {
        continue;
      }
      Entry.Lock l = new Entry.Lock(rel, mode, s != null && s.mode() == mode ? s.firstNanos() : p.start, true,
          tables.contains(rel));
      if (state != TransactionState.OPEN) {
        long released = s == null ? end : Math.min(end, s.lastNanos() + interval.toNanos());
        l.heldNanos = Math.max(0, released - l.acquired);
      }
      e.locks.put(rel, l);
      held.put(rel, l);
    }
    if (p.before != null && after != null) {
      p.before.relations().forEach((oid, was) -> {
        CatalogState.Rel now = after.relations().get(oid);
        if (now != null && baseline.contains(oid) && now.filenode() != was.filenode() && was.filenode() != 0) {
          e.rewritten.add(now.name());
        }
      });
      e.rewritten.sort(null);
    }
    if (measure) {
      TraceRules.statement(e, p.before, after, baseline, p.noLockTimeout, catalogue, state != TransactionState.OPEN);
    }
    if (open.isEmpty()) {
      transactions++;
    }
    e.transaction = transactions;
    open.add(e);
    if (state == TransactionState.IDLE) {
      finishTransaction(end);
    }
  }

  /** Tells the session the work connection's transaction ended (commit, rollback, or autocommit switched on). */
  void transactionEnded() {
    if (!open.isEmpty()) {
      finishTransaction(System.nanoTime());
    }
  }

  /** Returns when each statement ran, in order: {@code {start, end}} in {@link System#nanoTime()}. */
  List<long[]> times() {
    return List.copyOf(times);
  }

  /** Ends the trace: closes any transaction still open and returns the statements. */
  List<TracedStatement> finish() {
    transactionEnded();
    return List.copyOf(done);
  }

  /**
   * Closes the open transaction. A lock held to its end is counted for the rest of the statement that
   * took it and for every later statement of the transaction: the trace's own pauses between
   * statements (catalog reads) would not happen in production and are left out.
   */
  private void finishTransaction(long end) {
    for (int i = 0; i < open.size(); i++) {
      Entry e = open.get(i);
      long later = 0;
      for (int j = i + 1; j < open.size(); j++) {
        later += open.get(j).end - open.get(j).start;
      }
      for (Entry.Lock l : e.locks.values()) {
        if (l.heldNanos < 0) {
          l.heldNanos = Math.max(0, e.end - l.acquired) + later;
        }
      }
    }
    if (measure) {
      TraceRules.transaction(open, slowStatement);
    }
    for (Entry e : open) {
      TracedStatement s = e.toStatement(ignoredRules);
      done.add(s);
      listener.accept(s);
    }
    open.clear();
    held.clear();
  }

  private int pid(Connection work) throws SQLException {
    Integer pid = pids.get(work);
    if (pid == null) {
      pid = ShadowRunner.pid(work);
      pids.put(work, pid);
    }
    return pid;
  }

  static TransactionState state(Connection c) throws SQLException {
    return c.unwrap(BaseConnection.class).getTransactionState();
  }

  static Set<String> ignores(String text) {
    Set<String> out = new TreeSet<>();
    Matcher m = IGNORE.matcher(text);
    while (m.find()) {
      for (String id : m.group(1).split("\\s*,\\s*")) {
        out.add(id.strip());
      }
    }
    return out;
  }

  /** A statement while its transaction is open. */
  static final class Entry {
    /** A lock the statement took. */
    static final class Lock {
      final String relation;
      final LockMode mode;
      final long acquired;
      final boolean observed;
      /** Whether the relation is a table or materialized view (not an index or sequence). */
      final boolean table;
      long heldNanos = -1;

      Lock(String relation, LockMode mode, long acquired, boolean observed, boolean table) {
        this.relation = relation;
        this.mode = mode;
        this.acquired = acquired;
        this.observed = observed;
        this.table = table;
      }
    }

    final String location;
    final String sql;
    final Set<String> ignores;
    /** The locks this statement took or strengthened (what it adds to its transaction). */
    final Map<String, Lock> locks = new TreeMap<>();
    /** Every lock held while it ran, including those taken earlier in its transaction: what the rules judge. */
    final Map<String, LockMode> effective = new TreeMap<>();
    final List<String> rewritten = new ArrayList<>();
    final List<Finding> findings = new ArrayList<>();
    int number;
    int transaction;
    long start;
    long end;
    long rows = -1;
    long wal;
    String error;
    String sqlState;

    Entry(String location, String sql, Set<String> ignores) {
      this.location = location;
      this.sql = sql;
      this.ignores = ignores;
    }

    Duration duration() {
      return Duration.ofNanos(end - start);
    }

    TracedStatement toStatement(Set<String> ignoredRules) {
      List<TracedLock> out = new ArrayList<>();
      locks.values().forEach(l -> out.add(new TracedLock(l.relation, l.mode, Duration.ofNanos(Math.max(0, l.heldNanos)),
          Duration.ofNanos(Math.min(Math.max(0, l.acquired - start), end - start)), l.observed)));
      List<Finding> kept = new ArrayList<>();
      Set<String> ignored = new TreeSet<>();
      for (Finding f : findings) {
        if (ignores.contains(f.ruleId()) || ignoredRules.contains(f.ruleId())) {
          ignored.add(f.ruleId());
        } else if (kept.stream().noneMatch(k -> k.ruleId().equals(f.ruleId()))) {
          kept.add(f);
        }
      }
      return new TracedStatement(number, location, sql, transaction, duration(), out, rewritten, rows, wal, kept,
          List.copyOf(ignored), Optional.ofNullable(error));
    }
  }
}
