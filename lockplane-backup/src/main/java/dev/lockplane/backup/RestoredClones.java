package dev.lockplane.backup;

import dev.lockplane.clone.CloneManager;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A backup restored once and offered as thin clones: every {@link #clones()}{@code .create()} is a
 * private, writable copy of the data as it was at backup time, made in the time a clone costs (a
 * reflink on XFS or btrfs with PostgreSQL 18), so a team can query yesterday's data — or try a
 * repair on it — without touching production and without restoring again.
 *
 * <p>Closing it destroys the clones, then removes the restored copy (stops the restored server of a
 * physical backup, drops the restored database of a logical one). Closing twice is safe.
 *
 * <pre>{@code
 * try (RestoredClones yesterday = repo.restore(id).intoClones("shop")) {
 *   Clone c = yesterday.clones().create("investigation");
 *   try (Connection conn = c.dataSource().getConnection()) { ... }
 * }
 * }</pre>
 */
public final class RestoredClones implements AutoCloseable {
  private final CloneManager clones;
  private final AutoCloseable restored;
  private final String backupId;
  private final AtomicBoolean closed = new AtomicBoolean();

  RestoredClones(CloneManager clones, AutoCloseable restored, String backupId) {
    this.clones = clones;
    this.restored = restored;
    this.backupId = backupId;
  }

  /** Returns the clone manager whose golden is the restored database. */
  public CloneManager clones() {
    return clones;
  }

  /** Returns the backup the clones come from. */
  public String backupId() {
    return backupId;
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    try {
      clones.close();
    } finally {
      try {
        restored.close();
      } catch (Exception e) {
        throw new BackupException(dev.lockplane.ErrorCode.IO_ERROR,
            "Cannot remove the restored copy of backup " + backupId + ": " + e.getMessage(), backupId, null, e);
      }
    }
  }

  @Override
  public String toString() {
    return "RestoredClones[backup " + backupId + ", " + clones + "]";
  }
}
