package dev.lockplane.internal.migrate;

import dev.lockplane.migrate.MigrationStatus;
import dev.lockplane.migrate.Phase;
import dev.lockplane.migrate.PhaseState;
import dev.lockplane.migrate.PhaseStatus;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code lockplane.migration_state}: one row per migration and phase. Each statement here commits on its
 * own (autocommit), except {@link BatchedBackfill}'s batch updates, which commit with their batch.
 */
public final class StateTable {
  /** The qualified table name. */
  public static final String TABLE = "lockplane.migration_state";

  private StateTable() {}

  /**
   * Creates the schema and table when missing.
   *
   * @param c the connection (autocommit)
   * @throws SQLException on a database error
   */
  public static void ensure(Connection c) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute("CREATE SCHEMA IF NOT EXISTS lockplane");
      s.execute("CREATE TABLE IF NOT EXISTS " + TABLE + " ("
          + " migration_id text NOT NULL,"
          + " phase text NOT NULL CHECK (phase IN ('expand', 'migrate', 'contract')),"
          + " summary text NOT NULL,"
          + " status text NOT NULL CHECK (status IN ('pending', 'running', 'completed', 'rolled_back', 'failed')),"
          + " last_key text,"
          + " rows_updated bigint NOT NULL DEFAULT 0,"
          + " rows_scanned bigint NOT NULL DEFAULT 0,"
          + " batches bigint NOT NULL DEFAULT 0,"
          + " estimated_rows bigint NOT NULL DEFAULT -1,"
          + " error text,"
          + " started_at timestamptz,"
          + " updated_at timestamptz NOT NULL DEFAULT now(),"
          + " completed_at timestamptz,"
          + " PRIMARY KEY (migration_id, phase))");
    }
  }

  /**
   * Marks a phase running; a phase that ran before keeps its backfill position and start time.
   *
   * @param c the connection (autocommit)
   * @param id the migration
   * @param phase the phase
   * @param summary the change's summary
   * @throws SQLException on a database error
   */
  public static void start(Connection c, String id, Phase phase, String summary) throws SQLException {
    update(c, "INSERT INTO " + TABLE + " (migration_id, phase, summary, status, started_at)"
        + " VALUES (?, ?, ?, 'running', now())"
        + " ON CONFLICT (migration_id, phase) DO UPDATE SET status = 'running', error = NULL, updated_at = now(),"
        + " summary = EXCLUDED.summary, started_at = coalesce(" + TABLE + ".started_at, now())",
        id, phase.label(), summary);
  }

  /**
   * Marks a phase completed.
   *
   * @param c the connection
   * @param id the migration
   * @param phase the phase
   * @throws SQLException on a database error
   */
  public static void complete(Connection c, String id, Phase phase) throws SQLException {
    update(c, "UPDATE " + TABLE + " SET status = 'completed', completed_at = now(), updated_at = now()"
        + " WHERE migration_id = ? AND phase = ?", id, phase.label());
  }

  /**
   * Marks a phase failed with a message; its backfill position stays.
   *
   * @param c the connection
   * @param id the migration
   * @param phase the phase
   * @param error the message
   * @throws SQLException on a database error
   */
  public static void fail(Connection c, String id, Phase phase, String error) throws SQLException {
    update(c, "UPDATE " + TABLE + " SET status = 'failed', error = ?, updated_at = now()"
        + " WHERE migration_id = ? AND phase = ?", error, id, phase.label());
  }

  /**
   * Marks a phase rolled back and forgets its backfill position, so running it again starts over.
   *
   * @param c the connection
   * @param id the migration
   * @param phase the phase
   * @throws SQLException on a database error
   */
  public static void rolledBack(Connection c, String id, Phase phase) throws SQLException {
    update(c, "UPDATE " + TABLE + " SET status = 'rolled_back', last_key = NULL, rows_updated = 0,"
        + " rows_scanned = 0, batches = 0, completed_at = NULL, error = NULL, updated_at = now()"
        + " WHERE migration_id = ? AND phase = ?", id, phase.label());
  }

  /**
   * Reads the state of a migration; phases without a row are pending.
   *
   * @param c the connection
   * @param id the migration
   * @param fallbackSummary the summary to report when nothing is recorded
   * @return the status
   * @throws SQLException on a database error
   */
  public static MigrationStatus read(Connection c, String id, String fallbackSummary) throws SQLException {
    List<PhaseState> phases = new ArrayList<>(List.of(PhaseState.pending(Phase.EXPAND),
        PhaseState.pending(Phase.MIGRATE), PhaseState.pending(Phase.CONTRACT)));
    String summary = fallbackSummary;
    boolean exists;
    try (PreparedStatement p = c.prepareStatement("SELECT to_regclass('" + TABLE + "') IS NOT NULL");
        ResultSet rs = p.executeQuery()) {
      rs.next();
      exists = rs.getBoolean(1);
    }
    if (!exists) {
      return new MigrationStatus(id, summary, phases);
    }
    try (PreparedStatement p = c.prepareStatement("SELECT phase, status, rows_updated, rows_scanned, batches,"
        + " estimated_rows, last_key, started_at, completed_at, error, summary FROM " + TABLE
        + " WHERE migration_id = ?")) {
      p.setString(1, id);
      try (ResultSet rs = p.executeQuery()) {
        while (rs.next()) {
          Phase phase = Phase.valueOf(rs.getString(1).toUpperCase(java.util.Locale.ROOT));
          phases.set(phase.ordinal(), new PhaseState(phase, PhaseStatus.ofLabel(rs.getString(2)), rs.getLong(3),
              rs.getLong(4), rs.getLong(5), rs.getLong(6), Optional.ofNullable(rs.getString(7)),
              instant(rs.getTimestamp(8)), instant(rs.getTimestamp(9)), Optional.ofNullable(rs.getString(10))));
          summary = rs.getString(11);
        }
      }
    }
    return new MigrationStatus(id, summary, phases);
  }

  private static Optional<Instant> instant(Timestamp t) {
    return t == null ? Optional.empty() : Optional.of(t.toInstant());
  }

  private static void update(Connection c, String sql, Object... args) throws SQLException {
    try (PreparedStatement p = c.prepareStatement(sql)) {
      for (int i = 0; i < args.length; i++) {
        p.setObject(i + 1, args[i]);
      }
      p.executeUpdate();
    }
  }
}
