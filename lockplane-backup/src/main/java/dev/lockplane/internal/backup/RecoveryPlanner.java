package dev.lockplane.internal.backup;

import dev.lockplane.ErrorCode;
import dev.lockplane.backup.BackupException;
import dev.lockplane.backup.BackupKind;
import dev.lockplane.backup.RecoveryPlan;
import dev.lockplane.backup.RecoveryTarget;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.TreeMap;

/**
 * Chooses what a point-in-time recovery uses: the newest physical backup that finished before the
 * target, and the archived WAL segments from the backup's end on, as far as they are contiguous.
 * Targets outside what the repository can reach are refused here, naming what it can reach.
 */
public final class RecoveryPlanner {
  private RecoveryPlanner() {}

  /**
   * The plan and what executing it needs.
   *
   * @param plan the public plan
   * @param backup the base backup's manifest
   * @param segmentSize the WAL segment size
   * @param segments per segment number from the first to the last usable one, the archived names
   */
  public record Chosen(RecoveryPlan plan, Manifest backup, long segmentSize, TreeMap<Long, List<String>> segments) {}

  /**
   * Plans a recovery.
   *
   * @param engine the repository
   * @param catalog its WAL archive
   * @param target the target
   * @return the plan
   * @throws BackupException {@code NOT_FOUND} when nothing can be recovered, {@code INVALID_INPUT}
   *     for a target outside what the repository holds
   */
  public static Chosen plan(RepositoryEngine engine, WalCatalog catalog, RecoveryTarget target) {
    String where = engine.storage().describe();
    List<Manifest> backups = new ArrayList<>();
    for (var b : engine.list()) {
      if (b.kind() == BackupKind.PHYSICAL) {
        Manifest m = engine.manifest(b.id());
        if (m.stopWal() != null && m.systemIdentifier() != null) {
          backups.add(m);
        }
      }
    }
    if (backups.isEmpty()) {
      throw new BackupException(ErrorCode.NOT_FOUND, "There is no physical backup in " + where + ": point-in-time recovery"
          + " replays archived WAL on top of one. Take one (backup().physical(...)) while the WAL archiver runs.", null, null, null);
    }
    List<String> systems = catalog.systems().stream().filter(s -> !catalog.segmentNames(s).isEmpty()).toList();
    List<Manifest> withWal = backups.stream().filter(m -> systems.contains(m.systemIdentifier()))
        .sorted(Comparator.comparing(Manifest::stopTime).thenComparing(Manifest::id)).toList();
    if (withWal.isEmpty()) {
      throw new BackupException(ErrorCode.NOT_FOUND, "No WAL of the servers with physical backups in " + where
          + " is archived (backups of system " + backups.stream().map(Manifest::systemIdentifier).distinct().sorted().toList()
          + ", WAL of " + systems + "). Start a WAL archiver for the server, then take a physical backup.", null, null, null);
    }
    String sysid = withWal.get(withWal.size() - 1).systemIdentifier();
    List<Manifest> mine = withWal.stream().filter(m -> m.systemIdentifier().equals(sysid)).toList();
    List<String> names = catalog.segmentNames(sysid);
    long segSize = catalog.entry(sysid, names.get(names.size() - 1)).segmentSize();
    TreeMap<Long, List<String>> bySegno = new TreeMap<>();
    for (String n : names) {
      bySegno.computeIfAbsent(WalNames.segnoOf(n, segSize), k -> new ArrayList<>()).add(n);
    }
    List<String> newestNames = bySegno.lastEntry().getValue();
    WalEntry newest = catalog.entry(sysid, newestNames.get(newestNames.size() - 1));
    Instant newestAt = Instant.parse(newest.archivedAt());
    Manifest oldest = mine.get(0);
    String available = "The repository can recover server " + sysid + " to any moment from " + oldest.stopTime()
        + " (end of backup " + oldest.id() + ") to " + newestAt + " (newest archived WAL segment " + newest.name()
        + ", through " + newest.endLsn() + ").";

    Manifest chosen;
    String reason;
    long limitSegno = Long.MAX_VALUE;
    long restorePointLsn = -1;
    if (target instanceof RecoveryTarget.Time t) {
      {
        List<Manifest> before = mine.stream().filter(m -> !Instant.parse(m.stopTime()).isAfter(t.time())).toList();
        if (before.isEmpty()) {
          throw new BackupException(ErrorCode.INVALID_INPUT, "Cannot recover to " + t.time() + ": it is before the oldest"
              + " base backup of server " + sysid + " (" + oldest.id() + ", finished at " + oldest.stopTime() + "). "
              + available, null, null, null);
        }
        if (t.time().isAfter(newestAt)) {
          throw new BackupException(ErrorCode.INVALID_INPUT, "Cannot recover to " + t.time() + ": it is after the newest"
              + " archived WAL. " + available + " Recover to the latest archived state instead (--latest), or complete"
              + " the server's current segment (SELECT pg_switch_wal()) and let the archiver store it.", null, null, null);
        }
        IndexedWal.LastCommit lastCommit = IndexedWal.lastCommit(catalog.segmentEntries(sysid));
        if (lastCommit != null && !t.time().isBefore(lastCommit.time())) {
          // PostgreSQL stops at the first commit after the target; without one it ends recovery with an error
          throw new BackupException(ErrorCode.INVALID_INPUT, "Cannot recover to " + t.time() + ": the last transaction in"
              + " the archived WAL of server " + sysid + " committed at " + lastCommit.time() + " (segment "
              + lastCommit.segment() + "), and recovery to a time needs a commit after it to know it got there. "
              + available + " Recover to the latest archived state instead (--latest), which holds every transaction"
              + " committed by " + lastCommit.time() + ".", null, null, null);
        }
        chosen = before.get(before.size() - 1);
        reason = "the newest physical backup of server " + sysid + " that finished before " + t.time() + " (finished at "
            + chosen.stopTime() + ")";
      }
    } else if (target instanceof RecoveryTarget.Lsn l) {
      {
        long lsn = WalNames.parseLsn(l.lsn());
        List<Manifest> before = mine.stream().filter(m -> WalNames.parseLsn(m.stopWal()) <= lsn).toList();
        if (before.isEmpty()) {
          throw new BackupException(ErrorCode.INVALID_INPUT, "Cannot recover to WAL position " + l.lsn() + ": it is before"
              + " the end of the oldest base backup of server " + sysid + " (" + oldest.id() + ", WAL up to " + oldest.stopWal()
              + "). " + available, null, null, null);
        }
        if (lsn > WalNames.parseLsn(newest.endLsn())) {
          throw new BackupException(ErrorCode.INVALID_INPUT, "Cannot recover to WAL position " + l.lsn() + ": it is after"
              + " the newest archived WAL. " + available, null, null, null);
        }
        chosen = before.get(before.size() - 1);
        reason = "the newest physical backup of server " + sysid + " whose WAL ends before " + l.lsn() + " (at "
            + chosen.stopWal() + ")";
        limitSegno = WalNames.segmentOf(lsn, segSize);
      }
    } else if (target instanceof RecoveryTarget.RestorePoint p) {
      {
        List<WalEntry> entries = catalog.segmentEntries(sysid);
        IndexedWal.Found found = IndexedWal.latest(entries, p.name());
        List<String> unindexed = IndexedWal.unindexed(entries);
        if (found == null && unindexed.isEmpty()) {
          throw new BackupException(ErrorCode.NOT_FOUND, "There is no restore point named '" + p.name() + "' in the"
              + " archived WAL of server " + sysid + ". " + known(IndexedWal.restorePoints(entries)) + " " + available,
              null, null, null);
        }
        if (found == null) {
          chosen = oldest;
          reason = "no indexed WAL segment holds a restore point named '" + p.name() + "' and " + unindexed.size()
              + " archived segments are not indexed (" + unindexed.get(0) + (unindexed.size() > 1 ? " .. "
              + unindexed.get(unindexed.size() - 1) : "") + "), so recovery starts from the oldest physical backup of"
              + " server " + sysid + " (finished at " + chosen.stopTime() + ") and replays until it meets it";
        } else {
          long lsn = WalNames.parseLsn(found.point().lsn());
          List<Manifest> before = mine.stream().filter(m -> WalNames.parseLsn(m.stopWal()) <= lsn).toList();
          if (before.isEmpty()) {
            throw new BackupException(ErrorCode.INVALID_INPUT, "Cannot recover to restore point '" + p.name() + "' (created"
                + " at " + found.point().time() + ", WAL position " + found.point().lsn() + "): it is before the end of the"
                + " oldest base backup of server " + sysid + " (" + oldest.id() + ", WAL up to " + oldest.stopWal() + "). "
                + available, null, null, null);
          }
          chosen = before.get(before.size() - 1);
          long same = IndexedWal.restorePoints(entries).stream().filter(f -> f.point().name().equals(p.name())).count();
          reason = "the newest physical backup of server " + sysid + " whose WAL ends before restore point '" + p.name()
              + "' (created at " + found.point().time() + ", WAL position " + found.point().lsn() + ", in segment "
              + found.segment() + (same > 1 ? "; the newest of " + same + " restore points of that name" : "")
              + "); the backup's WAL ends at " + chosen.stopWal();
          limitSegno = WalNames.segmentOf(lsn, segSize);
          restorePointLsn = lsn;
        }
      }
    } else {
      chosen = mine.get(mine.size() - 1);
      reason = "the newest physical backup of server " + sysid + " (finished at " + chosen.stopTime()
          + "), replayed to the end of the archived WAL";
    }

    long first = WalNames.segmentOf(WalNames.parseLsn(chosen.stopWal()), segSize);
    TreeMap<Long, List<String>> usable = new TreeMap<>();
    long s = first;
    while (bySegno.containsKey(s) && s <= limitSegno) {
      usable.put(s, bySegno.get(s));
      s++;
    }
    Long after = bySegno.higherKey(s);
    int tli = chosen.timeline() == null ? 1 : chosen.timeline();
    String stopsBefore = s <= limitSegno && (after != null || usable.isEmpty()) && s <= bySegno.lastKey()
        ? WalNames.segmentName(tli, s, segSize) : null;
    List<String> notes = new ArrayList<>();
    String lastName = usable.isEmpty() ? null : usable.lastEntry().getValue().get(usable.lastEntry().getValue().size() - 1);
    WalEntry last = lastName == null ? null : catalog.entry(sysid, lastName);
    String walEnd = last == null ? chosen.stopWal() : last.endLsn();
    Instant lastAt = last == null ? Instant.parse(chosen.stopTime()) : Instant.parse(last.archivedAt());
    String reach = stopsBefore == null ? null : "WAL segment " + stopsBefore + " is missing from the archive, so recovery from"
        + " backup " + chosen.id() + " can reach at most " + walEnd + " (" + (lastName == null ? "the backup's end" : "the end of"
        + " segment " + lastName) + ", archived at " + lastAt + ")";
    {
      if (target instanceof RecoveryTarget.Time t) {
        if (stopsBefore != null && !lastAt.isAfter(t.time())) {
          throw new BackupException(ErrorCode.NOT_FOUND, "Cannot recover to " + t.time() + ": " + reach + ". Recover to an"
              + " earlier time, or from a base backup taken after the gap.", null, null, null);
        }
      } else if (target instanceof RecoveryTarget.Lsn l) {
        if (stopsBefore != null && WalNames.parseLsn(l.lsn()) > WalNames.parseLsn(walEnd)) {
          throw new BackupException(ErrorCode.NOT_FOUND, "Cannot recover to WAL position " + l.lsn() + ": " + reach
              + ". Recover to an earlier position.", null, null, null);
        }
      } else if (restorePointLsn >= 0 && stopsBefore != null && restorePointLsn > WalNames.parseLsn(walEnd)) {
        throw new BackupException(ErrorCode.NOT_FOUND, "Cannot recover to " + target.describe() + " (WAL position "
            + WalNames.formatLsn(restorePointLsn) + "): " + reach + ". Recover to an earlier target.", null, null, null);
      } else if (reach != null) {
        notes.add(reach + "; recovery stops there.");
      }
    }
    RecoveryPlan plan = new RecoveryPlan(target, sysid, chosen.id(), Instant.parse(chosen.stopTime()), chosen.stopWal(), reason,
        usable.isEmpty() ? null : usable.firstEntry().getValue().get(0), lastName, walEnd, lastAt, stopsBefore, notes);
    return new Chosen(plan, chosen, segSize, usable);
  }

  /** Names the restore points an archive holds, for a message. */
  private static String known(List<IndexedWal.Found> points) {
    if (points.isEmpty()) {
      return "The archive holds no restore point (create one with SELECT pg_create_restore_point('NAME')).";
    }
    List<String> names = new ArrayList<>();
    for (IndexedWal.Found f : points) {
      names.add("'" + f.point().name() + "' (" + f.point().time() + ", " + f.point().lsn() + ")");
    }
    return "The archive holds these restore points: " + String.join(", ", names) + ".";
  }
}
