package dev.lockplane.backup;

import dev.lockplane.ErrorCode;
import dev.lockplane.LockplaneException;
import dev.lockplane.internal.backup.DataWriter;
import dev.lockplane.internal.backup.RepositoryEngine;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Plans or runs a prune ({@link BackupRepository#prune(Retention)}): what the retention policy does
 * not keep, backups that never completed, and archived WAL no kept backup needs. Not thread-safe:
 * configure and run it on one thread.
 */
public final class PruneRequest {
  private final RepositoryEngine engine;
  private final Retention policy;
  private Duration incompleteGrace = Duration.ofHours(1);
  private Duration leaseExpiry = dev.lockplane.internal.backup.Lease.DEFAULT_EXPIRY;
  private Instant now;

  PruneRequest(RepositoryEngine engine, Retention policy) {
    this.engine = engine;
    this.policy = policy;
  }

  /**
   * Removes backups that never completed (no manifest) once they are older than this (default 1
   * hour, so a backup still running elsewhere is left alone).
   *
   * @param grace the age
   * @return this request
   */
  public PruneRequest incompleteOlderThan(Duration grace) {
    this.incompleteGrace = Objects.requireNonNull(grace, "grace");
    return this;
  }

  /**
   * Treats a backup whose lease was last refreshed longer ago than this as abandoned (default 15
   * minutes; a running backup refreshes its lease every 10 seconds). A backup with a fresher
   * lease is running, and none of its objects is touched, whatever its age.
   *
   * @param expiry the age after which a lease no longer protects its backup
   * @return this request
   */
  public PruneRequest leaseExpiry(Duration expiry) {
    if (Objects.requireNonNull(expiry, "expiry").isNegative()) {
      throw new LockplaneException(ErrorCode.INVALID_CONFIGURATION, "leaseExpiry must not be negative, not " + expiry + ".");
    }
    this.leaseExpiry = expiry;
    return this;
  }

  /**
   * The time to plan against (default: now).
   *
   * @param now the time
   * @return this request
   */
  public PruneRequest asOf(Instant now) {
    this.now = Objects.requireNonNull(now, "now");
    return this;
  }

  /** Returns what would be removed and why each survivor stays, removing nothing. */
  public PruneResult dryRun() {
    return execute(true);
  }

  /**
   * Removes what the policy does not keep, incomplete backups past the grace period, and the
   * archived WAL that no kept physical backup needs.
   */
  public PruneResult run() {
    return execute(false);
  }

  private PruneResult execute(boolean dry) {
    Instant t = now == null ? Instant.now() : now;
    List<Backup> backups = engine.list();
    List<Retention.Decision> decisions = policy.decide(backups, t);
    Map<String, List<String>> objects;
    try {
      objects = engine.objectsByBackup();
    } catch (IOException e) {
      throw new BackupException(ErrorCode.IO_ERROR, "Cannot list " + engine.storage().describe() + ": " + e, null, null, e);
    }
    List<String> removed = new ArrayList<>();
    List<String> incomplete = new ArrayList<>();
    java.util.Set<String> complete = new java.util.HashSet<>();
    backups.forEach(b -> complete.add(b.id()));
    for (String id : objects.keySet()) {
      if (complete.contains(id) || objects.get(id).contains(DataWriter.prefix(id) + RepositoryEngine.MANIFEST)) {
        continue;
      }
      Instant started = startOf(id);
      if ((started == null || started.isBefore(t.minus(incompleteGrace))) && !leased(id, objects.get(id), t)) {
        incomplete.add(id);
      }
    }
    for (Retention.Decision d : decisions) {
      if (!d.keep()) {
        removed.add(d.backup().id());
      }
    }
    var catalog = new dev.lockplane.internal.backup.WalCatalog(engine);
    var wal = dev.lockplane.internal.backup.WalRetention.plan(engine, catalog, decisions);
    if (!dry) {
      try {
        dev.lockplane.internal.backup.WalRetention.apply(engine, catalog, wal);
        for (String id : removed) {
          engine.delete(id, objects.getOrDefault(id, List.of()));
        }
        for (java.util.Iterator<String> it = incomplete.iterator(); it.hasNext(); ) {
          String id = it.next();
          // the listing above is not atomic: look at the lease again right before deleting
          if (leased(id, engine.storage().list(DataWriter.prefix(id)), Instant.now())) {
            it.remove();
            continue;
          }
          engine.delete(id, objects.get(id));
        }
      } catch (IOException e) {
        throw new BackupException(ErrorCode.IO_ERROR, "Prune stopped: cannot delete from " + engine.storage().describe()
            + ": " + e + ". Run it again to finish.", null, null, e);
      }
    }
    return new PruneResult(dry, decisions, removed, incomplete, wal.keys(), wal.kept());
  }

  private boolean leased(String id, List<String> keys, Instant at) {
    Instant lease = dev.lockplane.internal.backup.Lease.newest(id, keys);
    return lease != null && !lease.isBefore(at.minus(leaseExpiry));
  }

  private static Instant startOf(String id) {
    try {
      String s = id.substring(0, 16);
      return Instant.parse(s.substring(0, 4) + "-" + s.substring(4, 6) + "-" + s.substring(6, 8) + "T"
          + s.substring(9, 11) + ":" + s.substring(11, 13) + ":" + s.substring(13, 15) + "Z");
    } catch (RuntimeException e) {
      return null;
    }
  }
}
