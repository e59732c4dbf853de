package dev.lockplane.internal.clone;

import dev.lockplane.clone.Clone;
import dev.lockplane.clone.Snapshot;
import dev.lockplane.internal.sql.Identifiers;
import java.lang.System.Logger.Level;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ObjLongConsumer;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;
import org.postgresql.copy.CopyOut;

/**
 * Returns a used database-level clone to its golden's state by restoring only what its test
 * changed, instead of dropping it and copying the whole golden again.
 *
 * <p>What changed is read from PostgreSQL's own cumulative statistics, which every backend flushes
 * when it exits: a table whose inserted, updated or deleted row counters moved, or whose file was
 * replaced ({@code TRUNCATE}), is emptied and reloaded from an untouched copy of the golden kept on
 * the same server (with the tables whose foreign keys point at it); a sequence whose value moved is
 * set back. Anything it cannot restore that way makes {@link #recycle} refuse, so that the caller
 * drops the clone and makes a new one: writes to this database's catalogs (any DDL, temporary
 * tables, large objects), a session still connected, a prepared transaction, database settings
 * ({@code ALTER DATABASE … SET}, {@code ALTER ROLE … IN DATABASE … SET}), a changed database
 * record, a changed materialized view, or more data to reload than a tenth of the golden.
 *
 * <p>It needs PostgreSQL 15 or later (statistics in shared memory, {@code pg_stat_force_next_flush})
 * with {@code track_counts} on, and a role that may end other sessions.
 */
public final class CloneRecycler implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(CloneRecycler.class.getName());
  /** How long the sessions of a test may take to end after it closed its connections. */
  private static final long GRACE_NANOS = 2_000_000_000L;
  private static final long MIN_RELOAD_BYTES = 4L << 20;

  private final DatabaseCloneManager manager;
  private final String sourceName;
  private final Map<String, Baseline> baselines = new ConcurrentHashMap<>();
  private volatile GoldenState golden;
  private Clone source;
  /** Open connections to the golden's copy: opening one costs as much as the rest of a small restore. */
  private final java.util.concurrent.BlockingQueue<Connection> sourceConnections =
      new java.util.concurrent.LinkedBlockingQueue<>();
  private volatile String disabled;

  /**
   * The row counters and files of a clone's tables, and its catalog counters, at the last moment it
   * was known to equal its golden.
   */
  private record Baseline(Map<Long, long[]> tables, long catalog) {}

  /**
   * Makes a recycler for a manager's clones; the copy of the golden it reloads from is made on first use.
   *
   * @param manager the manager
   * @param sourceName the name of that copy, a clone of the manager (hidden by the caller)
   */
  public CloneRecycler(DatabaseCloneManager manager, String sourceName) {
    this.manager = manager;
    this.sourceName = sourceName;
  }

  /**
   * Restores a clone that a test used to its golden's state.
   *
   * @param clone a clone of the manager, no longer used by anyone
   * @param phases receives the time of each phase in nanoseconds (for profiles), or null
   * @return empty when the clone now equals its golden; else why it must be dropped and made again
   *     (its sessions are ended and its prepared transactions rolled back, so that it can be dropped)
   */
  public Optional<String> recycle(Clone clone, ObjLongConsumer<String> phases) {
    ObjLongConsumer<String> p = phases == null ? (k, v) -> { } : phases;
    Baseline base = baselines.remove(clone.name());
    if (!(clone instanceof DatabaseClone db)) {
      return Optional.of("not a database-level clone");
    }
    GoldenState g;
    try {
      g = golden(clone.snapshot());
    } catch (SQLException | RuntimeException e) {
      disabled = "cannot read the golden's copy: " + Secrets.scrub(e.getMessage(), clone.password());
      LOG.log(Level.WARNING, "Clones are dropped and made again instead of recycled: " + disabled);
      g = null;
    }
    if (g == null) {
      return Optional.of(disabled != null ? disabled : "a clone of another golden");
    }
    if (base == null) {
      base = fresh(g);
    }
    long t = System.nanoTime();
    try (Connection c = clone.dataSource().getConnection()) {
      p.accept("connect", System.nanoTime() - t);
      String why = recycle(c, db, g, base, p);
      if (why != null) {
        cleanUp(c);
      }
      return Optional.ofNullable(why);
    } catch (SQLException | RuntimeException e) {
      return Optional.of("recycling failed: " + Secrets.scrub(e.getMessage(), clone.password()));
    }
  }

  private String recycle(Connection c, DatabaseClone clone, GoldenState g, Baseline base, ObjLongConsumer<String> p)
      throws SQLException {
    long t = System.nanoTime();
    String why = awaitSessions(c);
    p.accept("sessions", System.nanoTime() - t);
    if (why != null) {
      return why;
    }
    t = System.nanoTime();
    why = databaseChanged(c, clone);
    if (why != null) {
      return why;
    }
    if (catalogChanges(c, g) != base.catalog() || !g.classes().equals(classes(c))) {
      return "the test changed the schema (DDL, temporary tables or large objects)";
    }
    Map<Long, long[]> now = tables(c);
    if (!now.keySet().equals(g.tables().keySet())) {
      return "the test created or dropped tables";
    }
    Set<Long> changed = new HashSet<>();
    for (var e : now.entrySet()) {
      long[] before = base.tables().get(e.getKey());
      if (before == null || before[0] != e.getValue()[0] || before[1] != e.getValue()[1]) {
        changed.add(e.getKey());
      }
    }
    List<GoldenState.Sequence> moved = movedSequences(c, g);
    p.accept("detect", System.nanoTime() - t);
    for (Long oid : changed) {
      if (g.tables().get(oid).kind() != 'r') {
        return "the test refreshed a materialized view";
      }
    }
    Set<Long> reload = g.closure(changed);
    long bytes = reload.stream().mapToLong(oid -> g.tables().get(oid).bytes()).sum();
    if (bytes > Math.max(MIN_RELOAD_BYTES, g.bytes() / 10)) {
      return "the test changed " + bytes + " bytes of tables, more than reloading pays for";
    }
    t = System.nanoTime();
    if (!reload.isEmpty() || !moved.isEmpty()) {
      restore(c, g, reload, moved);
    }
    p.accept("restore", System.nanoTime() - t);
    t = System.nanoTime();
    try (Statement s = c.createStatement()) {
      // the counters of this session's own TRUNCATE and COPY are flushed before it reads them as
      // the new baseline (otherwise they would be flushed when it exits, and count as the next test's)
      s.execute("SELECT pg_stat_force_next_flush()");
    }
    Baseline next = new Baseline(tables(c), catalogChanges(c, g));
    why = awaitSessions(c);
    if (why != null) {
      return "a session connected while the clone was restored";
    }
    if (!movedSequences(c, g).isEmpty()) {
      return "sequences moved while the clone was restored";
    }
    baselines.put(clone.name(), next);
    p.accept("baseline", System.nanoTime() - t);
    return null;
  }

  /** Waits for the test's sessions to end; background workers are ended at once. */
  private static String awaitSessions(Connection c) throws SQLException {
    long deadline = System.nanoTime() + GRACE_NANOS;
    while (true) {
      boolean clients = false;
      boolean any = false;
      try (Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT backend_type = 'client backend' FROM pg_stat_activity"
              + " WHERE datname = current_database() AND pid <> pg_backend_pid()")) {
        while (rs.next()) {
          any = true;
          clients |= rs.getBoolean(1);
        }
      }
      if (!any) {
        return null;
      }
      if (!clients || System.nanoTime() > deadline) {
        terminate(c);
        if (clients) {
          return "a session was still connected after the test";
        }
      }
      sleep();
    }
  }

  private static void terminate(Connection c) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database()"
          + " AND pid <> pg_backend_pid()");
    }
  }

  private static void sleep() {
    try {
      Thread.sleep(1);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for a clone's sessions to end", e);
    }
  }

  /** Settings, prepared transactions, and the database's own record (owner, privileges, comment, limits). */
  private static String databaseChanged(Connection c, DatabaseClone clone) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT d.datconnlimit, d.datallowconn, d.datistemplate, d.datacl IS NULL,"
            + " d.datdba = (SELECT usesysid FROM pg_user WHERE usename = session_user),"
            + " shobj_description(d.oid, 'pg_database'),"
            + " (SELECT count(*) FROM pg_db_role_setting r WHERE r.setdatabase = d.oid),"
            + " (SELECT count(*) FROM pg_prepared_xacts x WHERE x.database = d.datname)"
            + " FROM pg_database d WHERE d.datname = current_database()")) {
      if (!rs.next()) {
        return "the database was renamed";
      }
      if (rs.getLong(8) > 0) {
        return "the test left a prepared transaction";
      }
      if (rs.getLong(7) > 0) {
        return "the test changed database settings (ALTER DATABASE or ALTER ROLE … IN DATABASE … SET)";
      }
      Optional<OwnerRecord> owner = OwnerRecord.parse(rs.getString(6));
      if (rs.getInt(1) != -1 || !rs.getBoolean(2) || rs.getBoolean(3) || !rs.getBoolean(4) || !rs.getBoolean(5)
          || owner.isEmpty() || !clone.name().equals(owner.get().name()) || owner.get().kept()) {
        return "the test changed the database's record (ALTER DATABASE, GRANT, COMMENT)";
      }
      return null;
    }
  }

  /** Rows written to this database's catalogs: any but the updates of {@code pg_class}, which TRUNCATE makes. */
  private static long catalogChanges(Connection c, GoldenState g) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT coalesce(sum(pg_stat_get_tuples_inserted(o) + pg_stat_get_tuples_updated(o)"
            + " + pg_stat_get_tuples_deleted(o)), 0) + pg_stat_get_tuples_inserted('pg_catalog.pg_class'::regclass)"
            + " + pg_stat_get_tuples_deleted('pg_catalog.pg_class'::regclass) FROM unnest('{" + g.counted() + "}'::oid[]) o")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static String classes(Connection c) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(GoldenState.CLASSES)) {
      rs.next();
      return rs.getString(1);
    }
  }

  /** Each user table's row counters (inserted + updated + deleted) and file. */
  private static Map<Long, long[]> tables(Connection c) throws SQLException {
    Map<Long, long[]> out = new HashMap<>();
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT c.oid, pg_stat_get_tuples_inserted(c.oid) + pg_stat_get_tuples_updated(c.oid)"
            + " + pg_stat_get_tuples_deleted(c.oid), c.relfilenode FROM pg_class c"
            + " WHERE c.relkind IN ('r', 'm') AND " + GoldenState.USER_RELATIONS)) {
      while (rs.next()) {
        out.put(rs.getLong(1), new long[] {rs.getLong(2), rs.getLong(3)});
      }
    }
    return out;
  }

  private static List<GoldenState.Sequence> movedSequences(Connection c, GoldenState g) throws SQLException {
    List<GoldenState.Sequence> moved = new ArrayList<>();
    if (g.sequenceQuery() == null) {
      return moved;
    }
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(g.sequenceQuery())) {
      while (rs.next()) {
        GoldenState.Sequence q = g.sequences().get(rs.getInt(1));
        if (q.lastValue() != rs.getLong(2) || q.called() != rs.getBoolean(3)) {
          moved.add(q);
        }
      }
    }
    return moved;
  }

  /** Empties and reloads tables from the golden's copy, and sets sequences back, in one transaction. */
  private void restore(Connection c, GoldenState g, Set<Long> reload, List<GoldenState.Sequence> moved)
      throws SQLException {
    c.setAutoCommit(false);
    try {
      try (Statement s = c.createStatement()) {
        // neither foreign keys nor user triggers fire while rows are put back as they were
        s.execute("SET LOCAL session_replication_role = replica");
        if (!reload.isEmpty()) {
          s.execute("TRUNCATE " + String.join(", ", reload.stream().map(o -> g.tables().get(o).name()).sorted().toList()));
        }
        for (GoldenState.Sequence q : moved) {
          s.execute("SELECT setval(" + GoldenState.regclass(q.name()) + ", " + q.lastValue() + ", " + q.called() + ")");
        }
      }
      if (!reload.isEmpty()) {
        Connection from = sourceConnections.poll();
        if (from == null) {
          from = source().dataSource().getConnection();
        }
        boolean done = false;
        try {
          for (Long oid : reload) {
            GoldenState.Table t = g.tables().get(oid);
            if (!t.columns().isEmpty()) {
              copy(from, c, t);
            }
          }
          done = true;
        } finally {
          if (done) {
            sourceConnections.add(from);
          } else {
            from.close();
          }
        }
      }
      c.commit();
    } catch (SQLException | RuntimeException e) {
      c.rollback();
      throw e;
    } finally {
      c.setAutoCommit(true);
    }
  }

  private static void copy(Connection from, Connection to, GoldenState.Table t) throws SQLException {
    String cols = " (" + t.columns() + ") ";
    CopyOut out = from.unwrap(PGConnection.class).getCopyAPI()
        .copyOut("COPY " + t.name() + cols + "TO STDOUT (FORMAT binary)");
    CopyIn in = null;
    try {
      in = to.unwrap(PGConnection.class).getCopyAPI().copyIn("COPY " + t.name() + cols + "FROM STDIN (FORMAT binary)");
      byte[] buf;
      while ((buf = out.readFromCopy()) != null) {
        in.writeToCopy(buf, 0, buf.length);
      }
      in.endCopy();
    } finally {
      if (out.isActive()) {
        out.cancelCopy();
      }
      if (in != null && in.isActive()) {
        in.cancelCopy();
      }
    }
  }

  /** Ends the clone's other sessions and rolls back its prepared transactions, so that it can be dropped. */
  private static void cleanUp(Connection c) {
    try {
      terminate(c);
      List<String> gids = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT gid FROM pg_prepared_xacts WHERE database = current_database()");
          ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          gids.add(rs.getString(1));
        }
      }
      if (!c.getAutoCommit()) {
        c.rollback();
        c.setAutoCommit(true);
      }
      for (String gid : gids) {
        try (Statement s = c.createStatement()) {
          s.execute("ROLLBACK PREPARED " + Identifiers.literal(gid));
        }
      }
    } catch (SQLException e) {
      LOG.log(Level.DEBUG, "Cannot clean up a clone before dropping it: " + e.getMessage());
    }
  }

  /** A clone never used: its counters are zero, its files the golden's. */
  private static Baseline fresh(GoldenState g) {
    Map<Long, long[]> tables = new HashMap<>();
    for (GoldenState.Table t : g.tables().values()) {
      tables.put(t.oid(), new long[] {0, t.file()});
    }
    return new Baseline(tables, 0);
  }

  /** The state of the golden the clone was made from, or null if that is not the manager's current golden. */
  private synchronized GoldenState golden(Snapshot of) throws SQLException {
    if (disabled != null) {
      return null;
    }
    if (golden != null && golden.snapshot().equals(of)) {
      return golden;
    }
    if (!manager.golden().equals(of)) {
      return null;
    }
    if (source != null) {
      closeSourceConnections();
      source.destroy(); // a copy of the golden a refresh replaced
      source = null;
    }
    golden = null;
    source = manager.create(sourceName + "_" + Integer.toHexString(System.identityHashCode(of)));
    try (Connection c = source.dataSource().getConnection(); Statement s = c.createStatement()) {
      try (ResultSet rs = s.executeQuery("SELECT current_setting('server_version_num')::int >= 150000,"
          + " current_setting('track_counts')::bool")) {
        rs.next();
        if (!rs.getBoolean(1) || !rs.getBoolean(2)) {
          disabled = !rs.getBoolean(1) ? "the server is older than PostgreSQL 15" : "track_counts is off";
          LOG.log(Level.INFO, "Clones are dropped and made again instead of recycled: " + disabled);
          return null;
        }
      }
      golden = GoldenState.read(c, of);
    }
    return golden;
  }

  private synchronized Clone source() {
    return source;
  }

  /**
   * The name of the golden's copy the recycler reloads from, for the caller to hide.
   *
   * @param name a clone's name
   * @return whether it is that copy
   */
  public boolean isSource(String name) {
    return name.startsWith(sourceName);
  }

  private void closeSourceConnections() {
    Connection c;
    while ((c = sourceConnections.poll()) != null) {
      try {
        c.close();
      } catch (SQLException e) {
        LOG.log(Level.DEBUG, "Cannot close a connection to the golden's copy: " + e.getMessage());
      }
    }
  }

  /** Forgets a clone that is dropped rather than recycled. */
  void forget(String name) {
    baselines.remove(name);
  }

  /** Drops the golden's copy. Closing twice is safe. */
  @Override
  public synchronized void close() {
    closeSourceConnections();
    if (source != null) {
      try {
        source.destroy();
      } catch (RuntimeException e) {
        LOG.log(Level.DEBUG, "Cannot drop the golden's copy " + source.name() + ": " + e.getMessage());
      }
      source = null;
    }
    golden = null;
  }
}
