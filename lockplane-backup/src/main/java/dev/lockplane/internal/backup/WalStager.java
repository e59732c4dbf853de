package dev.lockplane.internal.backup;

import dev.lockplane.ErrorCode;
import dev.lockplane.backup.BackupException;
import dev.lockplane.backup.RecoveryPlan;
import dev.lockplane.backup.RecoveryTarget;
import dev.lockplane.internal.fs.FileTrees;
import dev.lockplane.internal.os.OsUser;
import dev.lockplane.internal.os.Posix;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Fetches the archived WAL a recovery needs into a private directory in the background, segment
 * after segment in WAL order (each decrypted and checked against its manifest), while the base
 * backup is restored and while PostgreSQL replays: the server's {@code restore_command} waits for a
 * planned segment that is not there yet, so decryption runs ahead of replay instead of before it.
 * A segment appears under its name only when complete (written under a temporary name, then
 * renamed). A damaged or missing segment ends the range; whether that still reaches the target is
 * decided as before the server starts, and reported by {@link #awaitStaged()}.
 */
final class WalStager implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(WalStager.class.getName());
  // written once staging has ended, however it ended: restore_command stops waiting
  static final String STAGED = ".staged";
  // the segment names restore_command waits for; any other name is answered at once
  static final String PLANNED = ".planned";

  private final WalCatalog catalog;
  private final RecoveryPlanner.Chosen chosen;
  private final Path dir;
  private final OsUser owner;
  private final Thread thread;
  private volatile boolean cancelled;
  private int staged;
  private long bytes;
  private RuntimeException failure;

  private WalStager(WalCatalog catalog, RecoveryPlanner.Chosen chosen, Path dir, OsUser owner) {
    this.catalog = catalog;
    this.chosen = chosen;
    this.dir = dir;
    this.owner = owner;
    this.thread = new Thread(this::stageAll, "lockplane-wal-stager");
    thread.setDaemon(true);
  }

  /**
   * Creates the staging directory next to the data directory, stages the timeline history files
   * (the server reads them first), and starts fetching the planned segments in the background.
   *
   * @param catalog the WAL archive
   * @param chosen the plan
   * @param data the data directory the WAL is for (it need not exist yet)
   * @return the running stager; close it to stop it and remove the staged WAL
   * @throws IOException when the directory cannot be made
   */
  static WalStager start(WalCatalog catalog, RecoveryPlanner.Chosen chosen, Path data) throws IOException {
    Path parent = data.getParent();
    Files.createDirectories(parent);
    Path dir = Files.createTempDirectory(parent, data.getFileName() + ".wal-");
    OsUser owner = Posix.serverUser(null);
    WalStager stager = new WalStager(catalog, chosen, dir, owner);
    try {
      Posix.chown(dir, owner);
      Posix.chmod(dir, "rwx------");
      RecoveryPlan plan = chosen.plan();
      for (String h : catalog.historyNames(plan.systemIdentifier())) {
        stager.write(h, catalog.entry(plan.systemIdentifier(), h));
      }
      List<String> names = new ArrayList<>();
      chosen.segments().values().forEach(names::addAll);
      stager.publish(PLANNED, String.join("\n", names) + "\n");
    } catch (IOException | RuntimeException e) {
      FileTrees.deleteQuietly(dir);
      throw e;
    }
    stager.thread.start();
    return stager;
  }

  /**
   * The server's {@code restore_command}: waits while the requested file is planned, not yet
   * staged and staging goes on, then copies it (a missing file fails, as recovery expects).
   */
  String restoreCommand() {
    return restoreCommand(dir);
  }

  /** The {@code restore_command} serving a staging directory (the directory's path holds no quote). */
  static String restoreCommand(Path dir) {
    String d = dir.toString();
    return "while [ ! -f '" + d + "/%f' ] && [ ! -f '" + d + "/" + STAGED + "' ] && grep -qxF '%f' '" + d + "/" + PLANNED
        + "'; do sleep 0.05; done; exec cp '" + d + "/%f' '%p'";
  }

  /**
   * Waits for staging to end.
   *
   * @return how many segments were staged
   * @throws BackupException when a damaged or missing segment leaves the target out of reach, or
   *     the archive could not be read
   */
  int awaitStaged() throws InterruptedException {
    thread.join();
    synchronized (this) {
      if (failure != null) {
        throw failure;
      }
      return staged;
    }
  }

  /** Stops staging and removes the staged WAL. */
  @Override
  public void close() {
    cancelled = true;
    thread.interrupt();
    boolean interrupted = false;
    while (thread.isAlive()) {
      try {
        thread.join();
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    FileTrees.deleteQuietly(dir);
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  private void stageAll() {
    long t0 = System.nanoTime();
    RecoveryPlan plan = chosen.plan();
    WalEntry previous = null;
    try {
      for (Map.Entry<Long, List<String>> e : chosen.segments().entrySet()) {
        for (String name : e.getValue()) {
          if (cancelled) {
            return;
          }
          WalEntry entry;
          try {
            entry = catalog.entry(plan.systemIdentifier(), name);
            write(name, entry);
          } catch (BackupException x) {
            if (x.code() != ErrorCode.CORRUPTED && x.code() != ErrorCode.NOT_FOUND) {
              throw x;
            }
            checkReachable(plan, name, previous, x);
            return;
          }
          previous = entry;
          synchronized (this) {
            staged++;
            bytes += entry.object().size();
          }
        }
      }
      LOG.log(System.Logger.Level.DEBUG, () -> String.format(java.util.Locale.ROOT, "staged %d WAL segments (%d MB) in %.1f s",
          staged, bytes >> 20, (System.nanoTime() - t0) / 1e9));
    } catch (IOException x) {
      fail(new BackupException(DataWriter.isDiskFull(x) ? ErrorCode.DISK_FULL : ErrorCode.IO_ERROR, "Staging the archived WAL"
          + " for recovery from backup " + plan.backupId() + " into " + dir + " failed: " + Redaction.text(x) + ".",
          plan.backupId(), null, Redaction.cause(x)));
    } catch (RuntimeException x) {
      fail(x);
    } finally {
      try {
        publish(STAGED, "");
      } catch (IOException | RuntimeException x) {
        // the directory is gone (closed) or unwritable: the failure already recorded, or the close, explains it
        fail(new BackupException(ErrorCode.IO_ERROR, "Cannot mark the staged WAL in " + dir + " complete: " + x, plan.backupId(),
            null, x));
      }
    }
  }

  private synchronized void fail(RuntimeException x) {
    if (failure == null && !cancelled) {
      failure = x;
    }
  }

  /** Writes one archived file under a temporary name, gives it to the server's account, then renames it into place. */
  private void write(String name, WalEntry entry) throws IOException {
    Path part = dir.resolve(name + ".staging");
    try {
      try (OutputStream out = Restorer.newPrivateFile(part)) {
        catalog.fetch(entry, out);
      }
      Posix.chown(part, owner);
      Files.move(part, dir.resolve(name), StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(part);
    }
  }

  private void publish(String name, String text) throws IOException {
    Path part = dir.resolve(name + ".staging");
    Files.writeString(part, text, StandardCharsets.UTF_8);
    Posix.chown(part, owner);
    Files.move(part, dir.resolve(name), StandardCopyOption.ATOMIC_MOVE);
  }

  /** Throws when the range staged before a damaged segment does not reach the plan's target. */
  static void checkReachable(RecoveryPlan plan, String damaged, WalEntry previous, BackupException why) {
    String end = previous == null ? plan.backupStopWal() : previous.endLsn();
    Instant at = previous == null ? plan.backupStopTime() : Instant.parse(previous.archivedAt());
    String reach = "recovery from backup " + plan.backupId() + " stops before WAL segment " + damaged + " and can reach at most "
        + end + " (archived at " + at + ")";
    RecoveryTarget t = plan.target();
    boolean enough = t instanceof RecoveryTarget.Time time ? at.isAfter(time.time())
        : t instanceof RecoveryTarget.Lsn lsn && WalNames.parseLsn(lsn.lsn()) <= WalNames.parseLsn(end);
    if (!enough) {
      throw new BackupException(ErrorCode.CORRUPTED, why.getMessage() + " So " + reach + ", which is short of "
          + t.describe() + ". Recover to " + end + " or earlier (--lsn " + end + "), or repair the archive.", plan.backupId(),
          why.objectKey().orElse(null), null);
    }
  }
}
