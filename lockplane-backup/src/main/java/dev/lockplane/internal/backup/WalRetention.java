package dev.lockplane.internal.backup;

import dev.lockplane.backup.BackupKind;
import dev.lockplane.backup.Retention;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Keeps the archived WAL the kept physical backups need, and no more: per server, every segment
 * from the one holding the end of its oldest kept physical backup on (recovery from that backup
 * replays them); older segments, and objects of older segments that never got a manifest, go. A
 * server without a kept physical backup keeps all its WAL: its first backup may be about to be taken.
 */
public final class WalRetention {
  private WalRetention() {}

  /**
   * What to remove, and why the rest stays.
   *
   * @param keys {@code SYSID/NAME} of the files to remove, and the object keys of orphans
   * @param entries the manifests of the files to remove
   * @param orphans data objects of old segments without a manifest
   * @param kept per server, why its WAL stays
   */
  public record Plan(List<String> keys, List<WalEntry> entries, List<String> orphans, List<String> kept) {}

  /**
   * Plans the WAL to remove given the backup decisions.
   *
   * @param engine the repository
   * @param catalog its WAL archive
   * @param decisions the retention decisions
   * @return the plan
   */
  public static Plan plan(RepositoryEngine engine, WalCatalog catalog, List<Retention.Decision> decisions) {
    List<String> keys = new ArrayList<>();
    List<WalEntry> entries = new ArrayList<>();
    List<String> orphans = new ArrayList<>();
    List<String> kept = new ArrayList<>();
    for (String sysid : catalog.systems()) {
      List<String> names = catalog.segmentNames(sysid);
      if (names.isEmpty()) {
        continue;
      }
      long segSize = catalog.entry(sysid, names.get(names.size() - 1)).segmentSize();
      Manifest oldest = null;
      for (Retention.Decision d : decisions) {
        if (!d.keep() || d.backup().kind() != BackupKind.PHYSICAL) {
          continue;
        }
        Manifest m = engine.manifest(d.backup().id());
        if (sysid.equals(m.systemIdentifier()) && m.stopWal() != null
            && (oldest == null || WalNames.parseLsn(m.stopWal()) < WalNames.parseLsn(oldest.stopWal()))) {
          oldest = m;
        }
      }
      if (oldest == null) {
        kept.add(sysid + ": all " + names.size() + " segments, no kept physical backup of this server needs or excludes them");
        continue;
      }
      long cutoff = WalNames.segmentOf(WalNames.parseLsn(oldest.stopWal()), segSize);
      kept.add(sysid + ": from " + WalNames.segmentName(oldest.timeline() == null ? 1 : oldest.timeline(), cutoff, segSize)
          + ", the end of the oldest kept physical backup " + oldest.id());
      for (String n : names) {
        if (WalNames.segnoOf(n, segSize) < cutoff) {
          keys.add(sysid + "/" + n);
          entries.add(catalog.entry(sysid, n));
        }
      }
      for (String k : catalog.orphans(sysid)) {
        String file = k.substring(k.lastIndexOf('/') + 1);
        String name = file.contains("-") ? file.substring(0, file.lastIndexOf('-')) : file;
        // an orphan of a current segment may be an archiver's object whose manifest is being written
        if (WalNames.isSegment(name) && WalNames.segnoOf(name, segSize) < cutoff) {
          orphans.add(k);
        }
      }
    }
    return new Plan(keys, entries, orphans, kept);
  }

  /**
   * Removes what a plan names.
   *
   * @param engine the repository
   * @param catalog its WAL archive
   * @param plan the plan
   * @throws IOException when the storage refuses
   */
  public static void apply(RepositoryEngine engine, WalCatalog catalog, Plan plan) throws IOException {
    for (WalEntry e : plan.entries()) {
      catalog.delete(e);
    }
    for (String k : plan.orphans()) {
      engine.storage().delete(k);
    }
  }
}
