package dev.lockplane.internal.instances;

import dev.lockplane.LockplaneException;
import dev.lockplane.instances.CloneState;
import dev.lockplane.internal.postgres.Postmasters;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/**
 * Brings back the clones of an earlier manager from the registry: re-attaches to servers that still
 * run, restarts stopped ones, and cleans up or redoes operations that a dead manager left half done.
 */
final class Recovery {
  private static final System.Logger LOG = System.getLogger(Recovery.class.getName());

  private Recovery() {}

  static void load(Manager m) {
    Registry.Data d = m.registry.read(m.storage.id());
    synchronized (m) {
      for (Registry.SnapshotRecord s : d.snapshots()) {
        m.snapshots.put(s.name(), s);
      }
      m.retired.addAll(d.retiredVolumes());
    }
    for (Registry.CloneRecord r : d.clones()) {
      Entry e = new Entry(m, r.name(), r.user(), r.password(), r.database());
      e.volume = r.volume();
      e.generation = r.generation();
      e.snapshotName = r.snapshot();
      e.port = r.port();
      e.createdAt = Instant.parse(r.createdAt());
      e.lastActive = Instant.parse(r.lastActive());
      e.state = CloneState.valueOf(r.state());
      e.failure = r.failure();
      e.protect = r.protect();
      m.ports.claim(r.port());
      m.clones.put(e.name, e);
    }
    for (Entry e : List.copyOf(m.clones.values())) {
      recover(m, e, d.clones().stream().filter(r -> r.name().equals(e.name)).findFirst().orElseThrow().pid());
    }
    m.save();
  }

  /** Brings a clone of an earlier manager back: re-attach, restart, or finish an interrupted operation. */
  private static void recover(Manager m, Entry e, long pid) {
    try {
      switch (e.state) {
        case CREATING, DELETING -> {
          m.cfg.listener().progress(e.name, "removing a clone whose " + e.state + " was interrupted");
          stopFoundServer(m, e, pid);
          m.dropVolume(e.volume);
          m.clones.remove(e.name);
          m.ports.release(e.port);
        }
        case RESETTING -> {
          stopFoundServer(m, e, pid);
          e.state = CloneState.OK;
          m.resetLocked(e, m.snapshotRecord(e.snapshotName));
        }
        case OK -> {
          Path data = m.storage.path(e.volume).resolve("data");
          if (Postmasters.isPostmasterOf(pid, data)) {
            m.starter.adopt(data);
            e.server = new CloneServer.Adopted(pid, e.port, data);
            m.cfg.listener().progress(e.name, "re-attached to the running server (pid " + pid + ", port " + e.port + ")");
          } else {
            m.cfg.listener().progress(e.name, "restarting the stopped server");
            e.server = m.starter.start(e, data);
            e.port = e.server.port();
            m.starter.ensureRole(e);
          }
        }
        case FATAL -> {
          // kept for the user to see and destroy
        }
      }
    } catch (RuntimeException ex) {
      e.state = CloneState.FATAL;
      e.failure = "Could not bring clone " + e.name + " back: " + ex.getMessage();
      LOG.log(Level.WARNING, e.failure);
    }
  }

  private static void stopFoundServer(Manager m, Entry e, long pid) {
    try {
      Path data = m.storage.path(e.volume).resolve("data");
      if (Postmasters.isPostmasterOf(pid, data)) {
        m.starter.adopt(data);
        new CloneServer.Adopted(pid, e.port, data).stop();
      }
    } catch (LockplaneException ignored) {
      // no volume, so no server
    }
  }
}
