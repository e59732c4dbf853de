package dev.lockplane.internal.backup;

import dev.lockplane.backup.BackupStorage;
import dev.lockplane.internal.sql.JdbcUrls;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The heartbeat of a running backup: an object {@code backups/ID/lease/MILLIS} written before the
 * first data object, replaced by a newer one every {@link #REFRESH} while the backup runs, and
 * removed when it ends. Prune leaves the objects of a backup alone while its newest lease is younger
 * than the expiry; a lease that stopped being refreshed belongs to a backup that died.
 *
 * <p>Objects are write-once, so a refresh writes a new lease and then deletes the old one: at every
 * moment at least one lease exists. The time is the writer's clock, in the key, so listing alone
 * tells a lease's age; the expiry is generous enough to absorb clock skew between hosts.
 */
public final class Lease implements AutoCloseable {
  /** The folder of lease objects inside a backup's prefix. */
  public static final String FOLDER = "lease/";
  /** How often a running backup refreshes its lease. */
  public static final Duration REFRESH = Duration.ofSeconds(10);
  /** After how long without a refresh a lease counts as abandoned, by default. */
  public static final Duration DEFAULT_EXPIRY = Duration.ofMinutes(15);
  private static final System.Logger LOG = System.getLogger(Lease.class.getName());

  private final BackupStorage storage;
  private final String backupId;
  private final ScheduledExecutorService timer;
  private String current;
  private boolean closed;

  private Lease(BackupStorage storage, String backupId) {
    this.storage = storage;
    this.backupId = backupId;
    this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "lockplane-backup-lease");
      t.setDaemon(true);
      return t;
    });
  }

  /**
   * Writes a backup's first lease and starts refreshing it.
   *
   * @param storage the repository storage
   * @param backupId the backup
   * @return the lease; close it when the backup ends, whatever the outcome
   * @throws IOException when the first lease cannot be written (the backup must not start)
   */
  public static Lease take(BackupStorage storage, String backupId) throws IOException {
    Lease lease = new Lease(storage, backupId);
    try {
      lease.write();
    } catch (IOException e) {
      lease.timer.shutdownNow();
      throw e;
    }
    long ms = REFRESH.toMillis();
    lease.timer.scheduleWithFixedDelay(lease::refresh, ms, ms, TimeUnit.MILLISECONDS);
    return lease;
  }

  private synchronized void write() throws IOException {
    if (closed) {
      return;
    }
    long now = System.currentTimeMillis();
    String key = DataWriter.prefix(backupId) + FOLDER + String.format("%015d", now);
    if (key.equals(current)) {
      return;
    }
    try (OutputStream out = storage.create(key)) {
      out.write(("{\"backup\":\"" + backupId + "\",\"pid\":" + ProcessHandle.current().pid() + "}\n")
          .getBytes(StandardCharsets.UTF_8));
    }
    String old = current;
    current = key;
    if (old != null) {
      storage.delete(old);
    }
  }

  private void refresh() {
    try {
      write();
    } catch (IOException | RuntimeException e) {
      // the backup goes on: its check of every object before the manifest catches a prune that took over
      LOG.log(System.Logger.Level.WARNING, "Cannot refresh the lease of backup " + backupId + " in "
          + storage.describe() + ": " + JdbcUrls.redact(String.valueOf(e)));
    }
  }

  /** Returns the key of the newest lease written. */
  public synchronized String key() {
    return current;
  }

  /** Stops refreshing and removes the lease. Safe to call twice. */
  @Override
  public void close() {
    timer.shutdownNow();
    try {
      timer.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      if (current != null) {
        try {
          storage.delete(current);
        } catch (IOException e) {
          // a left-over lease expires; prune then removes it with the rest of the backup
        }
      }
    }
  }

  /**
   * Returns when the newest lease among a backup's keys was written, or {@code null} when it has none.
   *
   * @param backupId the backup
   * @param keys the backup's object keys
   * @return the newest lease time, or {@code null}
   */
  public static Instant newest(String backupId, List<String> keys) {
    String prefix = DataWriter.prefix(backupId) + FOLDER;
    Instant newest = null;
    for (String k : keys) {
      if (k.startsWith(prefix)) {
        try {
          Instant t = Instant.ofEpochMilli(Long.parseLong(k.substring(prefix.length())));
          newest = newest == null || t.isAfter(newest) ? t : newest;
        } catch (NumberFormatException e) {
          // not a lease this code wrote: it protects nothing
        }
      }
    }
    return newest;
  }
}
