package dev.lockplane.internal.clone;

import dev.lockplane.clone.Snapshot;
import dev.lockplane.internal.golden.LogicalTarget;
import dev.lockplane.internal.sql.Identifiers;
import java.lang.System.Logger.Level;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The golden databases of one content on a server — the first one and those that refreshes built
 * beside it — and keeping them fresh: the newest is reused, a schedule rebuilds it, and a clone of a
 * stale one is warned about.
 */
final class GoldenFreshness {
  private static final System.Logger LOG = System.getLogger(GoldenFreshness.class.getName());

  private GoldenFreshness() {}

  /**
   * Finds the newest prepared golden of a content: the database {@code name}, or one a refresh
   * built as {@code name_xxxxxxxx}. A database named {@code name} that is not a finished golden of
   * this content is dropped, to be rebuilt.
   */
  static Optional<Snapshot> newest(Connection c, String name, String hash, String description) throws SQLException {
    boolean replaceExact = false;
    Snapshot best = null;
    try (PreparedStatement ps = c.prepareStatement(
        "SELECT datname, shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = ? OR datname LIKE ?"
            + " ORDER BY datname")) {
      ps.setString(1, name);
      ps.setString(2, name.replace("_", "\\_") + "\\_%");
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          String db = rs.getString(1);
          Optional<OwnerRecord> record = OwnerRecord.parse(rs.getString(2));
          Optional<OwnerRecord> r = record.filter(o -> OwnerRecord.GOLDEN.equals(o.kind()) && hash.equals(o.golden()));
          // a former golden that a refresh retired is a snapshot of a manager, dropped by it (or as its orphan)
          boolean retired = record.filter(o -> OwnerRecord.SNAPSHOT.equals(o.kind())).isPresent();
          replaceExact |= db.equals(name) && r.isEmpty() && !retired;
          if (r.isPresent()) {
            Snapshot s = new Snapshot(db, r.get().created(), description, r.get().dataStateAt());
            if (best == null || Comparator.comparing(Snapshot::dataStateAt).thenComparing(Snapshot::createdAt).compare(s, best) > 0) {
              best = s;
            }
          }
        }
      }
    }
    if (replaceExact) {
      // a database with our name but not finished, of other content or of an older format: replace it
      DatabaseCloneManager.exec(c, "ALTER DATABASE " + Identifiers.quote(name) + " WITH IS_TEMPLATE false");
      DatabaseCloneManager.exec(c, "DROP DATABASE IF EXISTS " + Identifiers.quote(name) + " WITH (FORCE)");
    }
    return Optional.ofNullable(best);
  }

  /** Whether a database of that name exists (a former golden that a refresh retired, still in use). */
  static boolean exists(Connection c, String name) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
      ps.setString(1, name);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next();
      }
    }
  }

  /** The database a golden is built in, as a logical source sees it. */
  static LogicalTarget target(
      AdminConnections admin, ServerEndpoint endpoint, String buildDb, String goldenName, GoldenOptions options)
      throws SQLException {
    int major = admin.with(c -> {
      try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SHOW server_version_num")) {
        rs.next();
        return Integer.parseInt(rs.getString(1).trim()) / 10000;
      }
    });
    String url = endpoint.url(buildDb).replaceAll("(?i)([?&])password=[^&]*&?", "$1").replaceAll("[?&]$", "");
    return new LogicalTarget(url, buildDb, endpoint.user(), endpoint.password(), major, options.serverBinDirectory(),
        m -> LOG.log(Level.INFO, "Golden " + goldenName + ": " + m));
  }

  /** Starts rebuilding the golden every {@code every}; a failed rebuild is logged and the golden stays. */
  static ScheduledExecutorService schedule(DatabaseCloneManager manager, Duration every) {
    ScheduledExecutorService s = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "lockplane-golden-refresh");
      t.setDaemon(true);
      return t;
    });
    long ms = every.toMillis();
    s.scheduleWithFixedDelay(() -> {
      Snapshot before = manager.golden();
      try {
        manager.refreshGolden();
      } catch (RuntimeException e) {
        LOG.log(Level.WARNING, "Scheduled refresh of golden " + before.name() + " failed; clones keep copying it (data from "
            + before.dataStateAt() + "): " + e.getMessage());
      }
    }, ms, ms, TimeUnit.MILLISECONDS);
    return s;
  }

  /** Stops the schedule and waits for a refresh in progress (it is interrupted, and cleans up after itself). */
  static void stop(ScheduledExecutorService s) {
    if (s == null) {
      return;
    }
    s.shutdownNow();
    try {
      if (!s.awaitTermination(2, TimeUnit.MINUTES)) {
        LOG.log(Level.WARNING, "A golden refresh did not stop within 2 minutes of close");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Logs, once per golden, that a clone is made of data older than the limit. */
  static void warnIfStale(Snapshot golden, Duration limit, Set<String> warned) {
    if (limit == null) {
      return;
    }
    Duration age = golden.dataAge(Instant.now());
    if (age.compareTo(limit) > 0 && warned.add(golden.name())) {
      LOG.log(Level.WARNING, "Golden " + golden.name() + " (" + golden.description() + ") holds data from "
          + golden.dataStateAt() + ", " + words(age) + " old, older than the " + words(limit) + " allowed;"
          + " clones of it show that data. Refresh it (refreshGolden(), or refreshEvery(...) on the builder).");
    }
  }

  private static String words(Duration d) {
    long s = d.toSeconds();
    if (s < 120) {
      return s + " s";
    }
    if (s < 7200) {
      return s / 60 + " min";
    }
    if (s < 172_800) {
      return s / 3600 + " h";
    }
    return s / 86_400 + " days";
  }
}
