package dev.lockplane.internal.testkit;

import dev.lockplane.clone.Clone;
import dev.lockplane.clone.CloneManager;
import java.lang.System.Logger.Level;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The clones that transaction-isolated tests run in, each with one warm connection: a test takes
 * one that no other test holds (so parallel tests neither see nor lock each other's rows), runs
 * inside a transaction on it, and gives it back rolled back and cleaned. A clone whose state the
 * rollback could not restore is destroyed instead of given back.
 */
public final class TransactionDatabases implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger("dev.lockplane.testkit");
  private static final String SEQUENCES =
      "SELECT format('%I.%I', schemaname, sequencename), last_value, start_value FROM pg_sequences";

  private final CloneManager pool;
  private final ConcurrentLinkedDeque<Slot> free = new ConcurrentLinkedDeque<>();
  private final Set<Slot> all = ConcurrentHashMap.newKeySet();
  private final AtomicBoolean closed = new AtomicBoolean();

  /**
   * Creates an empty set; clones are taken from the pool as tests need them.
   *
   * @param pool the golden's manager
   */
  public TransactionDatabases(CloneManager pool) {
    this.pool = pool;
  }

  /** Takes a clone no other test holds, or makes one, and opens the test's transaction on it. */
  Slot acquire() throws SQLException {
    while (true) {
      Slot s = free.pollFirst(); // the most recently used: its connection and caches are warm
      if (s == null) {
        s = new Slot(pool.create());
        all.add(s);
      }
      try {
        s.begin();
        return s;
      } catch (SQLException e) {
        discard(s);
        if (s.fresh) {
          throw e;
        }
      }
    }
  }

  /** Gives a cleaned clone back for the next test. */
  void release(Slot s) {
    if (closed.get()) {
      discard(s);
    } else {
      s.fresh = false;
      free.addFirst(s);
    }
  }

  /** Destroys a clone whose state cannot be trusted. */
  void discard(Slot s) {
    all.remove(s);
    try {
      if (!s.connection.isClosed()) {
        s.connection.rollback();
        s.connection.setAutoCommit(true);
        // a PREPARE TRANSACTION sent as SQL leaves a transaction that would keep the database from being dropped
        List<String> prepared = new ArrayList<>();
        try (Statement st = s.connection.createStatement();
            ResultSet rs = st.executeQuery("SELECT gid FROM pg_prepared_xacts WHERE database = current_database()")) {
          while (rs.next()) {
            prepared.add(rs.getString(1));
          }
        }
        for (String gid : prepared) {
          try (Statement st = s.connection.createStatement()) {
            st.execute("ROLLBACK PREPARED " + dev.lockplane.internal.sql.Identifiers.literal(gid));
          }
        }
      }
    } catch (SQLException e) {
      LOG.log(Level.DEBUG, "Cleaning clone " + s.clone.name() + " before destroying it: " + e.getMessage());
    } finally {
      closeQuietly(s.connection);
      s.clone.destroy();
    }
  }

  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      for (Slot s : List.copyOf(all)) {
        try {
          discard(s);
        } catch (RuntimeException e) {
          LOG.log(Level.WARNING, "Cannot destroy clone " + s.clone.name() + ": " + e.getMessage());
        }
      }
      free.clear();
    }
  }

  private static void closeQuietly(Connection c) {
    try {
      c.close();
    } catch (SQLException ignored) {
      // the clone is dropped next, which ends the session anyway
    }
  }

  /** A clone, its one connection, and its sequences as the golden has them. */
  static final class Slot {
    final Clone clone;
    final Connection connection;
    private final Map<String, Long> goldenSequences;
    private final Map<String, Long> startValues = new HashMap<>();
    /** One query, run inside the test's transaction at its end, that checks and resets in one round trip. */
    private final String finishQuery;
    private String transactionStart;
    /** Set by the connection handle when the test changed client-side state of the connection. */
    volatile boolean sessionChanged;
    boolean fresh = true;

    Slot(Clone clone) throws SQLException {
      this.clone = clone;
      javax.sql.DataSource ds = clone.dataSource();
      if (ds.isWrapperFor(org.postgresql.ds.common.BaseDataSource.class)) {
        // the savepoint the driver sets around each statement in auto-commit mode is released after it,
        // so that a long test does not pile up subtransactions
        ds.unwrap(org.postgresql.ds.common.BaseDataSource.class).setCleanupSavepoints(true);
      }
      Connection c = ds.getConnection();
      try {
        this.connection = c;
        this.goldenSequences = sequences();
        this.finishQuery = finishQuery();
      } catch (SQLException | RuntimeException e) {
        closeQuietly(c);
        clone.destroy();
        throw e;
      }
    }

    /**
     * Checks that the test's transaction is still the one begun for it, counts the prepared
     * statements made with SQL (they outlive a rollback), releases session advisory locks (they
     * do too), and sets every sequence back to the golden's value ({@code setval} is not undone
     * by a rollback, so it can run before it). A sequence the test dropped or renamed yields a
     * null, and the sequences are compared again after the rollback.
     */
    private String finishQuery() {
      StringBuilder sql = new StringBuilder("SELECT now()::text = ?, (SELECT count(*) FROM pg_prepared_statements WHERE from_sql),"
          + " pg_advisory_unlock_all() IS NULL");
      if (goldenSequences.isEmpty()) {
        return sql.append(", 0").toString();
      }
      sql.append(", (SELECT count(*) FILTER (WHERE v IS NULL) FROM (VALUES ");
      boolean first = true;
      for (Map.Entry<String, Long> e : new java.util.TreeMap<>(goldenSequences).entrySet()) {
        sql.append(first ? "" : ", ").append("(setval(to_regclass(").append(dev.lockplane.internal.sql.Identifiers.literal(e.getKey()))
            .append("), ").append(e.getValue() == null ? startValues.get(e.getKey()) : e.getValue())
            .append(", ").append(e.getValue() != null).append("))");
        first = false;
      }
      return sql.append(") AS s(v))").toString();
    }

    /** Opens the test's transaction and notes when it started, to know at the end whether it is still the same one. */
    void begin() throws SQLException {
      sessionChanged = false;
      connection.setAutoCommit(false);
      try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery("SELECT now()::text")) {
        rs.next();
        transactionStart = rs.getString(1);
      }
    }

    /**
     * Ends the test: resets in one query what a rollback does not undo, then rolls back. Returns
     * false if the transaction is no longer the one begun for the test (a COMMIT or ROLLBACK sent
     * as SQL ended it): then nothing is reset and the clone must not be reused.
     *
     * <p>Everything else a test can change in its session — settings, roles, temporary tables,
     * cursors, listeners — was done inside the transaction and is undone with it.
     */
    boolean rollBack() throws SQLException {
      long preparedWithSql;
      long missingSequences;
      try (PreparedStatement ps = connection.prepareStatement(finishQuery)) {
        ps.setString(1, transactionStart);
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          if (!rs.getBoolean(1)) {
            return false;
          }
          preparedWithSql = rs.getLong(2);
          missingSequences = rs.getLong(4);
        }
      }
      connection.rollback();
      if (preparedWithSql > 0) {
        try (Statement s = connection.createStatement()) {
          s.execute("DEALLOCATE ALL"); // the driver notices and forgets its own prepared statements
        }
        connection.commit();
      }
      if (missingSequences > 0) {
        restoreSequences();
      }
      return true;
    }

    private void restoreSequences() throws SQLException {
      Map<String, Long> now = sequences();
      for (Map.Entry<String, Long> e : goldenSequences.entrySet()) {
        if (!Objects.equals(now.get(e.getKey()), e.getValue())) {
          try (PreparedStatement ps = connection.prepareStatement("SELECT setval(?::regclass, ?, ?)")) {
            ps.setString(1, e.getKey());
            ps.setLong(2, e.getValue() == null ? startValues.get(e.getKey()) : e.getValue());
            ps.setBoolean(3, e.getValue() != null);
            ps.execute();
          }
        }
      }
      connection.commit();
    }

    private Map<String, Long> sequences() throws SQLException {
      Map<String, Long> out = new HashMap<>();
      try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery(SEQUENCES)) {
        while (rs.next()) {
          long v = rs.getLong(2);
          out.put(rs.getString(1), rs.wasNull() ? null : v);
          startValues.put(rs.getString(1), rs.getLong(3));
        }
      }
      return out;
    }
  }
}
