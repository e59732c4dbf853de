package dev.lockplane.internal.backup;

import dev.lockplane.backup.RecoveryPlan;
import dev.lockplane.backup.RecoveryTarget;
import java.io.ByteArrayOutputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * Questions answered from the index of a server's archived segments ({@link WalIndex}): which
 * restore points the archive holds, when its last transaction committed, and how many
 * transactions committed after a recovery target. A segment without a complete index (archived
 * before the index existed, or not fully decodable) is decoded again from the archive where a count
 * needs it, and makes a "not there" answer uncertain where a lookup needs it.
 */
public final class IndexedWal {
  private IndexedWal() {}

  /**
   * A restore point and the segment holding it.
   *
   * @param point the restore point
   * @param segment the segment's name
   * @param timeline the segment's timeline
   */
  public record Found(WalIndex.RestorePoint point, String segment, int timeline) {}

  /**
   * Returns the restore points of the given segments, in WAL order.
   *
   * @param entries the segments' manifests, ordered
   * @return the restore points
   */
  public static List<Found> restorePoints(List<WalEntry> entries) {
    List<Found> out = new ArrayList<>();
    for (WalEntry e : entries) {
      if (e.index() != null) {
        for (WalIndex.RestorePoint p : e.index().restorePoints()) {
          out.add(new Found(p, e.name(), e.timeline()));
        }
      }
    }
    return out;
  }

  /**
   * Returns the restore points of the given segments as the public API shows them.
   *
   * @param entries the segments' manifests, ordered
   * @return the restore points, in WAL order
   */
  public static List<dev.lockplane.backup.ArchivedRestorePoint> published(List<WalEntry> entries) {
    return restorePoints(entries).stream().map(f -> new dev.lockplane.backup.ArchivedRestorePoint(f.point().name(),
        f.point().lsn(), Instant.parse(f.point().time()), f.segment(), f.timeline())).toList();
  }

  /**
   * Returns the newest restore point of a name.
   *
   * @param entries the segments' manifests, ordered
   * @param name the name
   * @return the restore point, or {@code null} when the index holds none of that name
   */
  public static Found latest(List<WalEntry> entries, String name) {
    Found out = null;
    for (Found f : restorePoints(entries)) {
      if (f.point().name().equals(name)) {
        out = f;
      }
    }
    return out;
  }

  /**
   * Returns the names of the segments whose index is missing or partial.
   *
   * @param entries the segments' manifests
   * @return their names
   */
  public static List<String> unindexed(List<WalEntry> entries) {
    return entries.stream().filter(e -> !e.indexed()).map(WalEntry::name).toList();
  }

  /**
   * The last commit in the archive.
   *
   * @param time its commit time
   * @param segment the segment holding it
   */
  public record LastCommit(Instant time, String segment) {}

  /**
   * Returns the last commit archived, reading the index from the newest segment back.
   *
   * @param entries the segments' manifests, ordered
   * @return the last commit, or {@code null} when a segment after it is not indexed (so it may hold a later one)
   *     or no commit is indexed
   */
  public static LastCommit lastCommit(List<WalEntry> entries) {
    for (int i = entries.size() - 1; i >= 0; i--) {
      WalEntry e = entries.get(i);
      if (!e.indexed()) {
        return null;
      }
      if (e.index().lastCommit() != null) {
        return new LastCommit(Instant.parse(e.index().lastCommit()), e.name());
      }
    }
    return null;
  }

  /**
   * Counts the transactions committed in the archived WAL after the point a recovery stops: for a
   * time, from the first commit later than it (where PostgreSQL stops); for a position or a restore
   * point, after that position. Only segments from the plan's first one on count, one per segment
   * number (the newest timeline's).
   *
   * @param catalog the archive
   * @param plan the recovery plan
   * @return the count, or {@code null} when the target is the latest state, a restore point the
   *     index does not hold, or a segment cannot be read
   */
  public static Long commitsAfter(WalCatalog catalog, RecoveryPlan plan) {
    RecoveryTarget t = plan.target();
    if (plan.firstSegment() == null || t instanceof RecoveryTarget.Latest) {
      return null;
    }
    List<WalEntry> entries = catalog.segmentEntries(plan.systemIdentifier());
    long stopLsn = -1;
    if (t instanceof RecoveryTarget.Lsn l) {
      stopLsn = WalNames.parseLsn(l.lsn());
    } else if (t instanceof RecoveryTarget.RestorePoint rp) {
      Found f = latest(entries, rp.name());
      if (f == null) {
        return null;
      }
      stopLsn = WalNames.parseLsn(f.point().lsn());
    }
    TreeMap<Long, WalEntry> bySegno = new TreeMap<>();
    long first = -1;
    for (WalEntry e : entries) {
      bySegno.put(e.segno(), e); // ordered by name within a segment number: the newest timeline wins
      if (e.name().equals(plan.firstSegment())) {
        first = e.segno();
      }
    }
    if (first < 0) {
      return null;
    }
    long count = 0;
    boolean started = false;
    for (WalEntry e : bySegno.tailMap(first, true).values()) {
      long start = WalNames.parseLsn(e.startLsn());
      long end = WalNames.parseLsn(e.endLsn());
      WalIndex ix = e.indexed() ? e.index() : null;
      if (t instanceof RecoveryTarget.Time time) {
        if (started && ix != null) {
          count += ix.commits();
          continue;
        }
        if (ix != null && (ix.lastCommit() == null || !Instant.parse(ix.lastCommit()).isAfter(time.time()))) {
          continue;
        }
        long[] n = {0};
        boolean[] after = {started};
        if (decode(catalog, e, (lsn, at) -> {
          if (!after[0] && at != null && at.isAfter(time.time())) {
            after[0] = true;
          }
          if (after[0]) {
            n[0]++;
          }
        }) == null) {
          return null;
        }
        count += n[0];
        started = after[0];
      } else if (start >= stopLsn && ix != null) {
        count += ix.commits();
      } else if (end > stopLsn) {
        long[] n = {0};
        long stop = stopLsn;
        if (decode(catalog, e, (lsn, at) -> n[0] += lsn > stop ? 1 : 0) == null) {
          return null;
        }
        count += n[0];
      }
    }
    return count;
  }

  private static WalIndex decode(WalCatalog catalog, WalEntry e, WalRecords.CommitListener listener) {
    ByteArrayOutputStream out = new ByteArrayOutputStream((int) Math.max(0, e.object().size()));
    try {
      catalog.fetch(e, out);
    } catch (RuntimeException x) {
      return null;
    }
    byte[] bytes = out.toByteArray();
    WalIndex ix = WalRecords.index(bytes, bytes.length, listener);
    return ix.complete() ? ix : null;
  }
}
