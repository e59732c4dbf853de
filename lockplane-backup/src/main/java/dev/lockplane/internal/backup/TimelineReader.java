package dev.lockplane.internal.backup;

import dev.lockplane.ErrorCode;
import dev.lockplane.backup.Backup;
import dev.lockplane.backup.BackupException;
import dev.lockplane.backup.BackupKind;
import dev.lockplane.backup.BackupTimeline;
import dev.lockplane.backup.BackupTimeline.Event;
import dev.lockplane.backup.BackupTimeline.Kind;
import dev.lockplane.backup.BackupTimeline.WalCoverage;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.TreeMap;

/**
 * Reads a repository's timeline: its backups from their manifests, its WAL coverage from the WAL
 * catalog (per server and timeline, with gaps placed in time between the archive times of the
 * segments around them), the restore points from the segments' index, and the migrations of a live database from its {@code lockplane.history}.
 */
public final class TimelineReader {
  private TimelineReader() {}

  /**
   * Reads the timeline.
   *
   * @param engine the repository
   * @param catalog its WAL archive
   * @param live a live database whose migrations to show, or {@code null}
   * @param clock the clock for "now"
   * @return the timeline
   */
  public static BackupTimeline read(RepositoryEngine engine, WalCatalog catalog, Connection live, Clock clock) {
    List<Event> events = new ArrayList<>();
    List<String> notes = new ArrayList<>();
    for (Backup b : engine.list()) {
      String lsn = null;
      StringBuilder detail = new StringBuilder(b.kind().toString().toLowerCase(Locale.ROOT));
      if (b.kind() == BackupKind.PHYSICAL) {
        Manifest m = engine.manifest(b.id());
        lsn = m.stopWal();
        if (lsn != null) {
          detail.append(", WAL ").append(m.startWal()).append(" to ").append(lsn);
        }
        if (m.systemIdentifier() != null) {
          detail.append(", server ").append(m.systemIdentifier());
        }
      } else if (!b.databases().isEmpty()) {
        detail.append(", ").append(String.join(", ", b.databases()));
      }
      if (!b.tags().isEmpty()) {
        detail.append(", tags ").append(String.join(", ", b.tags()));
      }
      events.add(new Event(b.stopTime(), Kind.BACKUP, b.id(), lsn, detail.toString()));
    }
    List<WalCoverage> wal = new ArrayList<>();
    for (String sysid : catalog.systems()) {
      coverage(catalog, sysid, wal, events);
    }
    for (String sysid : catalog.systems()) {
      List<WalEntry> entries = catalog.segmentEntries(sysid);
      for (IndexedWal.Found f : IndexedWal.restorePoints(entries)) {
        events.add(new Event(Instant.parse(f.point().time()), Kind.RESTORE_POINT, f.point().name(), f.point().lsn(),
            "server " + sysid + ", timeline " + f.timeline() + ", segment " + f.segment()));
      }
      List<String> unindexed = IndexedWal.unindexed(entries);
      if (!unindexed.isEmpty()) {
        notes.add(unindexed.size() + " archived WAL segments of server " + sysid + " are not indexed (" + unindexed.get(0)
            + (unindexed.size() > 1 ? " .. " + unindexed.get(unindexed.size() - 1) : "") + "): restore points in them are"
            + " not listed; recover --restore-point NAME still replays until it meets one");
      }
    }
    if (live != null) {
      migrations(live, events, notes);
    }
    events.sort(Comparator.comparing(Event::at, Comparator.nullsFirst(Comparator.naturalOrder()))
        .thenComparing(Event::kind).thenComparing(Event::label));
    return new BackupTimeline(events, wal, clock.instant(), notes);
  }

  private static void coverage(WalCatalog catalog, String sysid, List<WalCoverage> out, List<Event> events) {
    List<String> names = catalog.segmentNames(sysid);
    if (names.isEmpty()) {
      return;
    }
    long segSize = catalog.entry(sysid, names.get(names.size() - 1)).segmentSize();
    TreeMap<Integer, TreeMap<Long, String>> byTimeline = new TreeMap<>();
    for (String n : names) {
      byTimeline.computeIfAbsent(WalNames.timelineOf(n), k -> new TreeMap<>()).put(WalNames.segnoOf(n, segSize), n);
    }
    for (var t : byTimeline.entrySet()) {
      TreeMap<Long, String> segs = t.getValue();
      List<String> gaps = new ArrayList<>();
      Long previous = null;
      for (long s : segs.keySet()) {
        if (previous != null && s > previous + 1) {
          String gap = WalNames.segmentName(t.getKey(), previous + 1, segSize) + ".." + WalNames.segmentName(t.getKey(), s - 1, segSize);
          gaps.add(gap);
          // the gap lies between the moments the segments around it were archived
          WalEntry before = catalog.entry(sysid, segs.get(previous));
          WalEntry after = catalog.entry(sysid, segs.get(s));
          events.add(new Event(Instant.parse(before.archivedAt()), Kind.WAL_GAP, gap, before.endLsn(), "server " + sysid
              + ", timeline " + t.getKey() + "; recovery cannot cross it: nothing between " + before.archivedAt() + " and "
              + after.archivedAt() + " is reachable from an earlier backup"));
        }
        previous = s;
      }
      WalEntry first = catalog.entry(sysid, segs.firstEntry().getValue());
      WalEntry last = catalog.entry(sysid, segs.lastEntry().getValue());
      out.add(new WalCoverage(sysid, t.getKey(), segs.size(), first.name(), last.name(), first.startLsn(), last.endLsn(),
          Instant.parse(first.archivedAt()), Instant.parse(last.archivedAt()), gaps));
    }
  }

  private static void migrations(Connection live, List<Event> events, List<String> notes) {
    try (Statement s = live.createStatement()) {
      String database;
      boolean present;
      try (ResultSet rs = s.executeQuery("SELECT current_database(), to_regclass('lockplane.history') IS NOT NULL")) {
        rs.next();
        database = rs.getString(1);
        present = rs.getBoolean(2);
      }
      if (!present) {
        notes.add("database " + database + " has no lockplane.history: no migration was applied to it with lockplane");
        return;
      }
      try (ResultSet rs = s.executeQuery("SELECT id, started_at, duration_ms, outcome, source_hash, target_hash"
          + " FROM lockplane.history ORDER BY id")) {
        while (rs.next()) {
          long ms = rs.getLong(3);
          String duration = rs.wasNull() ? "" : ", " + ms + " ms";
          events.add(new Event(rs.getTimestamp(2).toInstant(), Kind.MIGRATION, String.valueOf(rs.getLong(1)), null,
              rs.getString(4) + duration + ", schema " + abbrev(rs.getString(5)) + " → " + abbrev(rs.getString(6))
                  + " in " + database));
        }
      }
    } catch (SQLException e) {
      throw new BackupException(ErrorCode.DATABASE_ERROR, "Cannot read the migrations of the live database from"
          + " lockplane.history: " + Redaction.text(e) + ". Grant SELECT on lockplane.history to the role, or leave out the"
          + " connection.", null, null, Redaction.cause(e));
    }
  }

  private static String abbrev(String hash) {
    return hash == null ? "?" : hash.length() > 12 ? hash.substring(0, 12) : hash;
  }
}
