package dev.lockplane.internal.instances;

import dev.lockplane.instances.CloneState;
import java.lang.System.Logger.Level;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/** Removes clones without sessions for the idle timeout, except protected ones; checked periodically. */
final class IdleClones {
  private static final System.Logger LOG = System.getLogger(IdleClones.class.getName());

  private final Manager m;
  private ScheduledExecutorService timer;

  IdleClones(Manager m) {
    this.m = m;
  }

  void stop() {
    if (timer != null) {
      timer.shutdownNow();
    }
  }

  void start() {
    if (m.cfg.idleTimeout() == null) {
      return;
    }
    long every = Math.max(1000, Math.min(60_000, m.cfg.idleTimeout().toMillis() / 2));
    timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "lockplane-idle-clones");
      t.setDaemon(true);
      return t;
    });
    timer.scheduleWithFixedDelay(() -> {
      try {
        removeIdle();
      } catch (RuntimeException ex) {
        LOG.log(Level.WARNING, "Idle clone check failed: " + ex);
      }
    }, every, every, TimeUnit.MILLISECONDS);
  }

  List<String> removeIdle() {
    if (m.cfg.idleTimeout() == null) {
      return List.of();
    }
    List<String> removed = new ArrayList<>();
    Instant now = Instant.now();
    for (Entry e : List.copyOf(m.clones.values())) {
      if (e.protect || e.state != CloneState.OK || e.lock.isLocked()) {
        continue;
      }
      if (sessions(e) > 0) {
        e.lastActive = now;
        continue;
      }
      if (e.lastActive.plus(m.cfg.idleTimeout()).isBefore(now)) {
        m.cfg.listener().progress(e.name, "removing: idle since " + e.lastActive);
        m.destroy(e);
        removed.add(e.name);
      }
    }
    return removed;
  }

  private int sessions(Entry e) {
    try (Connection c = m.starter.superuserConnection(e); Statement s = c.createStatement();
         ResultSet rs = s.executeQuery("SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()")) {
      rs.next();
      return rs.getInt(1);
    } catch (SQLException ex) {
      return 1; // cannot tell: do not remove
    }
  }
}
