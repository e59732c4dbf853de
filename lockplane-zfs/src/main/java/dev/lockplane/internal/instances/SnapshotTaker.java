package dev.lockplane.internal.instances;

import dev.lockplane.clone.CopyMethod;
import dev.lockplane.instances.CloneState;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Freezes a clone into a snapshot, consistently: ZFS snapshots are atomic, so a running server gives
 * a crash-consistent image (after a CHECKPOINT, to keep recovery short); other stores copy file by
 * file, so the server is stopped (clean shutdown) for the copy and started again on the same port.
 */
final class SnapshotTaker {
  private SnapshotTaker() {}

  static void take(Manager m, Entry e, String name) {
    e.lock.lock();
    try {
      if (m.isGone(e) || e.state != CloneState.OK) {
        throw new dev.lockplane.CloneException(
            dev.lockplane.ErrorCode.NOT_FOUND, e.name, "Clone " + e.name + " is " + (m.isGone(e) ? "destroyed" : e.state)
                + "; only a running clone can be snapshotted.", null);
      }
      m.cfg.listener().progress(name, "snapshot of clone " + e.name);
      if (m.storage().method() == CopyMethod.ZFS_CLONE) {
        try (Connection c = m.starter.superuserConnection(e); Statement s = c.createStatement()) {
          s.execute("CHECKPOINT");
        } catch (SQLException ex) {
          // a snapshot without the checkpoint is still crash-consistent
        }
        m.storage().snapshot(e.volume, name);
        return;
      }
      e.server.stop();
      try {
        m.storage().snapshot(e.volume, name);
      } finally {
        try {
          e.server = m.starter.start(e, m.storage().path(e.volume).resolve("data"));
        } catch (RuntimeException ex) {
          e.state = CloneState.FATAL;
          e.failure = "Restart after snapshot " + name + " failed: " + ex.getMessage();
          m.save();
          throw ex;
        }
      }
    } finally {
      e.lock.unlock();
    }
  }
}
