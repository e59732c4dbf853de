package dev.lockplane.internal.backup;

import dev.lockplane.ErrorCode;
import dev.lockplane.LockplaneException;
import dev.lockplane.backup.BackupException;
import dev.lockplane.backup.Progress;
import dev.lockplane.backup.RecoveryPlan;
import dev.lockplane.backup.RecoveryResult;
import dev.lockplane.backup.RecoveryTarget;
import dev.lockplane.internal.fs.FileTrees;
import dev.lockplane.postgres.LocalPostgres;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

/**
 * Executes a recovery plan: restores the base backup into a directory while the archived WAL it
 * needs is staged in the background ({@link WalStager}: each segment decrypted and checked against
 * its manifest; a damaged one ends the staged range), and starts PostgreSQL on it in archive
 * recovery with the target, which replays, promotes and opens the cluster. Staged WAL is served by
 * {@code restore_command} (a {@code cp} that waits for a segment still being staged, so replay
 * starts without waiting for the whole range) and removed once the cluster is open.
 */
public final class PointInTimeRecovery {
  private static final DateTimeFormatter PG_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSS'+00'")
      .withZone(ZoneOffset.UTC);
  // settings a restored copy must not inherit from its source: it would archive into the source's
  // archive, follow the source, or stop at a target of another recovery
  private static final List<String> INHERITED = List.of("archive_mode", "archive_command", "archive_library",
      "restore_command", "primary_conninfo", "primary_slot_name", "recovery_target", "recovery_target_time",
      "recovery_target_lsn", "recovery_target_name", "recovery_target_xid", "recovery_target_action",
      "recovery_target_inclusive", "recovery_target_timeline", "synchronized_standby_slots");

  private PointInTimeRecovery() {}

  /** The recovered cluster: running, or stopped when the caller wanted only the directory. */
  public record Recovered(LocalPostgres server, RecoveryResult result) {}

  /**
   * Recovers into a directory.
   *
   * @param engine the repository
   * @param catalog its WAL archive
   * @param chosen the plan
   * @param data the target data directory (empty or missing, unless overwrite)
   * @param overwrite whether a non-empty target may be emptied
   * @param keepRunning whether to leave the recovered server running
   * @param timeout how long replay may take
   * @param progress progress
   * @return the recovered cluster
   */
  public static Recovered run(RepositoryEngine engine, WalCatalog catalog, RecoveryPlanner.Chosen chosen, Path data,
      boolean overwrite, boolean keepRunning, Duration timeout, ProgressTracker progress) {
    RecoveryPlan plan = chosen.plan();
    Manifest backup = chosen.backup();
    if (data.toString().contains("'")) {
      throw new LockplaneException(ErrorCode.INVALID_CONFIGURATION, "The recovery target directory " + data
          + " contains a quote; choose a path without one.");
    }
    // the WAL is fetched and decrypted while the base is restored, and further while it replays
    try (WalStager stager = startStager(catalog, chosen, data)) {
      Restorer.restoreFiles(engine, backup, data, p -> true, overwrite, progress);
      return replay(stager, chosen, data, keepRunning, timeout, progress);
    }
  }

  /**
   * Replays the archived WAL on a data directory that already holds the base backup's files (as
   * restored, never started): a copy-on-write clone of a restored base, for instance.
   *
   * @param catalog the WAL archive
   * @param chosen the plan
   * @param data the data directory holding the restored base backup
   * @param keepRunning whether to leave the recovered server running
   * @param timeout how long replay may take
   * @param progress progress
   * @return the recovered cluster; on failure the directory is emptied
   */
  public static Recovered replay(WalCatalog catalog, RecoveryPlanner.Chosen chosen, Path data, boolean keepRunning,
      Duration timeout, ProgressTracker progress) {
    try (WalStager stager = startStager(catalog, chosen, data)) {
      return replay(stager, chosen, data, keepRunning, timeout, progress);
    }
  }

  private static WalStager startStager(WalCatalog catalog, RecoveryPlanner.Chosen chosen, Path data) {
    try {
      return WalStager.start(catalog, chosen, data);
    } catch (IOException e) {
      throw new BackupException(DataWriter.isDiskFull(e) ? ErrorCode.DISK_FULL : ErrorCode.IO_ERROR, "Cannot stage the archived"
          + " WAL next to " + data + ": " + Redaction.text(e) + ".", chosen.plan().backupId(), null, Redaction.cause(e));
    }
  }

  private static Recovered replay(WalStager stager, RecoveryPlanner.Chosen chosen, Path data, boolean keepRunning,
      Duration timeout, ProgressTracker progress) {
    RecoveryPlan plan = chosen.plan();
    Manifest backup = chosen.backup();
    LocalPostgres pg = null;
    try {
      boolean foreign = ForeignCluster.prepare(data);
      dropInheritedSettings(data.resolve("postgresql.auto.conf"));
      Files.writeString(data.resolve("recovery.signal"), "");
      Restorer.makeDataDirectory(data);
      progress.phase(Progress.Phase.DRILLING, -1, -1);
      LocalPostgres.Builder b = LocalPostgres.builder().version(backup.serverMajor()).dataDirectory(data)
          // a directory is kept, so it is synced; a running copy is removed when closed
          .durable(!keepRunning)
          .startTimeout(timeout)
          .setting("restore_command", stager.restoreCommand())
          .setting("recovery_target_action", "promote")
          .setting("recovery_target_timeline", "latest")
          // connections wait for the end of recovery: the first one sets the password of a foreign cluster
          .setting("hot_standby", "off")
          .setting("archive_mode", "off")
          .setting("log_min_messages", "log");
      RecoveryTarget t = plan.target();
      if (t instanceof RecoveryTarget.Time time) {
        b.setting("recovery_target_time", PG_TIME.format(time.time()));
      } else if (t instanceof RecoveryTarget.Lsn lsn) {
        b.setting("recovery_target_lsn", lsn.lsn());
      } else if (t instanceof RecoveryTarget.RestorePoint rp) {
        b.setting("recovery_target_name", rp.name());
      }
      try {
        pg = b.start();
      } catch (dev.lockplane.ServerException e) {
        // a damaged segment out of the target's reach explains a failed replay better than the server does
        stager.awaitStaged();
        throw startFailure(plan, e);
      }
      // the server may have ended recovery early because staging failed: that recovery is not the one asked for
      int staged = stager.awaitStaged();
      Instant last;
      int timeline;
      try (Connection c = pg.connect("postgres"); Statement s = c.createStatement()) {
        try (ResultSet rs = s.executeQuery("SELECT pg_last_xact_replay_timestamp(), pg_walfile_name(pg_current_wal_lsn())")) {
          rs.next();
          java.sql.Timestamp ts = rs.getTimestamp(1);
          last = ts == null ? null : ts.toInstant();
          timeline = Integer.parseInt(rs.getString(2).substring(0, 8), 16);
        }
        if (foreign) {
          ForeignCluster.finish(data);
          s.execute("SELECT pg_reload_conf()");
        }
      }
      List<String> log = recoveryLog(pg.serverLog());
      RecoveryResult result = new RecoveryResult(plan, data, staged, last, timeline, log);
      progress.phase(Progress.Phase.DONE, -1, -1);
      if (!keepRunning) {
        pg.close();
        pg = null;
      }
      LocalPostgres running = pg;
      pg = null;
      return new Recovered(running, result);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      if (pg != null) {
        pg.close();
        pg = null;
      }
      emptyQuietly(data);
      throw new BackupException(ErrorCode.IO_ERROR, "Recovery from backup " + backup.id() + " into " + data + " was interrupted."
          + " What was restored was removed.", backup.id(), null, e);
    } catch (IOException | SQLException | RuntimeException e) {
      if (pg != null) {
        pg.close();
        pg = null;
      }
      emptyQuietly(data);
      if (e instanceof RuntimeException r) {
        throw r;
      }
      throw new BackupException(DataWriter.isDiskFull(e) ? ErrorCode.DISK_FULL : ErrorCode.IO_ERROR, "Recovery from backup "
          + backup.id() + " into " + data + " failed: " + Redaction.text(e) + ". What was restored was removed.", backup.id(),
          null, Redaction.cause(e));
    } finally {
      if (pg != null) {
        pg.close();
      }
    }
  }

  private static BackupException startFailure(RecoveryPlan plan, LockplaneException e) {
    String m = String.valueOf(e.getMessage());
    if (m.contains("recovery ended before configured recovery target was reached")) {
      String what = plan.target() instanceof RecoveryTarget.RestorePoint rp
          ? "no restore point named '" + rp.name() + "' was found in the archived WAL after backup " + plan.backupId()
          : "the archived WAL ends before " + plan.target().describe() + " (no transaction after it is archived)";
      return new BackupException(ErrorCode.NOT_FOUND, "Recovery replayed backup " + plan.backupId() + " and the archived WAL"
          + " through " + plan.walEnd() + " (segment " + plan.lastSegment() + "), but " + what + ". Nothing was kept;"
          + " choose another target, or --latest for everything archived.", plan.backupId(), null, null);
    }
    return new BackupException(ErrorCode.SERVER_START_FAILED, "Recovery from backup " + plan.backupId() + " to "
        + plan.target().describe() + " failed while PostgreSQL replayed the WAL: " + m, plan.backupId(), null, e);
  }

  private static void emptyQuietly(Path dir) {
    try (java.util.stream.Stream<Path> s = Files.list(dir)) {
      for (Path p : s.toList()) {
        FileTrees.deleteQuietly(p);
      }
    } catch (IOException ignored) {
      // best effort: the failure that caused it is reported
    }
  }

  /** Removes from postgresql.auto.conf the settings a recovered copy must not inherit from its source. */
  private static void dropInheritedSettings(Path auto) throws IOException {
    if (!Files.isRegularFile(auto)) {
      return;
    }
    List<String> kept = new ArrayList<>();
    for (String line : Files.readAllLines(auto, StandardCharsets.UTF_8)) {
      String name = line.trim().split("[\\s=]", 2)[0];
      if (!INHERITED.contains(name)) {
        kept.add(line);
      }
    }
    Files.write(auto, kept, StandardCharsets.UTF_8);
  }

  /** PostgreSQL's own lines about where recovery started and stopped. */
  private static List<String> recoveryLog(Path log) {
    List<String> out = new ArrayList<>();
    try {
      for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
        if (line.contains("starting point-in-time recovery") || line.contains("recovery stopping")
            || line.contains("redo done at") || line.contains("last completed transaction")
            || line.contains("selected new timeline") || line.contains("archive recovery complete")) {
          int at = line.indexOf("LOG:");
          out.add(at < 0 ? line.trim() : line.substring(at + 4).trim());
        }
      }
    } catch (IOException e) {
      out.add("(the server log " + log + " cannot be read: " + e.getMessage() + ")");
    }
    return out;
  }
}
