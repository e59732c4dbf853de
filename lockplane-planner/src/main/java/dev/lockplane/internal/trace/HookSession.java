package dev.lockplane.internal.trace;

import dev.lockplane.ErrorCode;
import dev.lockplane.LockplaneException;
import dev.lockplane.safety.Finding;
import dev.lockplane.trace.TracePolicy;
import dev.lockplane.trace.TraceReport;
import dev.lockplane.trace.TracedStatement;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * One run of a migration tool watched by a hook (the Flyway callback, the Liquibase listener): the
 * tool runs the migrations on the application's own connection, and this session observes them as
 * the trace does, on a second connection of the same data source. Each migration unit (a Flyway
 * migration, a Liquibase change set) is judged against the relations that existed before it, and
 * when the unit ends its findings are checked against the policy: a finding at or above the
 * policy's risk fails the unit before the tool commits it.
 */
final class HookSession {
  private final TracePolicy policy;
  private final String source;
  private final Connection sampler;
  private final String database;
  private final int version;
  private final TraceSession session;
  /** Statements finished since the last check. */
  private final List<TracedStatement> unchecked = new ArrayList<>();
  private final List<TracedStatement> all = new ArrayList<>();
  private boolean closed;

  private HookSession(TracePolicy policy, String source, Connection sampler) throws SQLException {
    this.policy = policy;
    this.source = source;
    this.sampler = sampler;
    this.version = sampler.getMetaData().getDatabaseMajorVersion();
    try (Statement s = sampler.createStatement(); ResultSet rs = s.executeQuery("SELECT current_database()")) {
      rs.next();
      this.database = rs.getString(1);
    }
    this.session = new TraceSession(sampler, policy.sampleInterval(), policy.ignored(), policy.slowStatement(), version,
        s -> {
          unchecked.add(s);
          all.add(s);
          policy.listener().accept(s);
        });
  }

  /**
   * Opens a session: takes a connection of its own from {@code dataSource} to sample locks with.
   *
   * @param source what is traced, for the report
   */
  static HookSession open(TracePolicy policy, String source, DataSource dataSource) {
    Connection c = null;
    try {
      c = dataSource.getConnection();
      c.setAutoCommit(true);
      return new HookSession(policy, source, c);
    } catch (SQLException e) {
      if (c != null) {
        try {
          c.close();
        } catch (SQLException suppressed) {
          e.addSuppressed(suppressed);
        }
      }
      throw new LockplaneException(ErrorCode.DATABASE_ERROR, "Lockplane's migration trace could not open its second "
          + "connection (it samples the migration's locks): " + e.getMessage()
          + " — give the pool room for one more connection while migrating", e);
    }
  }

  /** A migration unit starts on {@code work}: what exists now is what the unit is judged against. */
  void unitStarted(Connection work) {
    try {
      session.transactionEnded();
      session.rebaseline(work);
    } catch (SQLException e) {
      throw lost(e);
    }
  }

  /** Starts measuring a statement about to run on {@code work}. */
  TraceSession.Probe before(Connection work, String sql, String location, String comments) {
    try {
      return session.before(work, sql, location, comments);
    } catch (SQLException e) {
      throw lost(e);
    }
  }

  /** Finishes measuring a statement; {@code error} is its failure, or null. */
  void after(TraceSession.Probe probe, long rows, SQLException error) {
    try {
      session.after(probe, rows, error);
    } catch (SQLException e) {
      throw lost(e);
    }
  }

  /**
   * A unit ended, or is about to commit: its statements are complete.
   *
   * @param unit the unit's name, for the message, such as {@code V2__index.sql}
   * @param check whether to fail on findings (false when the unit failed anyway)
   * @throws LockplaneException ({@link ErrorCode#UNSAFE_CHANGE}) when a finding is at or above the policy's risk
   */
  void unitEnded(String unit, boolean check) {
    session.transactionEnded();
    List<TracedStatement> judged = List.copyOf(unchecked);
    unchecked.clear();
    if (!check) {
      return;
    }
    StringBuilder why = new StringBuilder();
    for (TracedStatement s : judged) {
      for (Finding f : s.findings()) {
        if (policy.fails(f.risk())) {
          why.append("\n  statement ").append(s.number()).append(" at ").append(s.location()).append(" (")
              .append(abbreviate(s.sql())).append("): ").append(f.ruleId()).append(" [").append(f.risk())
              .append("] ").append(f.message());
          if (!f.saferAlternative().isEmpty()) {
            why.append("\n    safer: ").append(f.saferAlternative());
          }
        }
      }
    }
    if (why.length() > 0) {
      writeReport();
      throw new LockplaneException(ErrorCode.UNSAFE_CHANGE, "Lockplane stopped " + unit + " before it committed: "
          + "findings at or above " + policy.failAt().orElseThrow() + why + "\nUse the safer form, or silence a rule "
          + "for one statement with a comment '-- lockplane:ignore RULE_ID' (or for all with TracePolicy.ignore).");
    }
  }

  /** Returns what was observed so far. */
  TraceReport report() {
    return new TraceReport(source, database, version, all, Optional.empty());
  }

  /** Ends the run: closes any open transaction, writes the report file and closes the second connection. */
  TraceReport finish() {
    if (!closed) {
      closed = true;
      session.transactionEnded();
      try {
        sampler.close();
      } catch (SQLException e) {
        // the report is complete without it; the pool takes the connection back or drops it
      }
      writeReport();
    }
    return report();
  }

  private void writeReport() {
    Optional<Path> file = policy.reportFile();
    if (file.isEmpty()) {
      return;
    }
    Path path = file.get().toAbsolutePath();
    try {
      if (path.getParent() != null) {
        Files.createDirectories(path.getParent());
      }
      Files.writeString(path, report().render(policy.reportFormat()), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new LockplaneException(ErrorCode.IO_ERROR, "Lockplane could not write the migration trace report to "
          + path + ": " + e.getMessage() + " — choose a writable path in TracePolicy.reportTo", e);
    }
  }

  private static String abbreviate(String sql) {
    String one = sql.strip().replaceAll("\\s+", " ");
    return one.length() <= 80 ? one : one.substring(0, 77) + "...";
  }

  private LockplaneException lost(SQLException e) {
    return new LockplaneException(ErrorCode.DATABASE_ERROR, "Lockplane's migration trace on database '" + database
        + "' could not read the catalog or the locks: " + e.getMessage(), e);
  }
}
