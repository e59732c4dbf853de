package dev.lockplane.backup;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What a repository can bring back, in time order: its backups, the archived WAL that joins them
 * (per server and timeline, with its gaps), and — given a live database — the migrations recorded in
 * its {@code lockplane.history}, so "backup A 02:00 → migration 41 at 09:58 → now" shows which
 * recovery target comes before which schema change.
 *
 * @param events backups, migrations, restore points and gaps in the WAL, by time (ties by kind, then label)
 * @param wal the archived WAL per server and timeline
 * @param now when the timeline was read
 * @param notes remarks, such as a live database without a history table
 */
public record BackupTimeline(List<Event> events, List<WalCoverage> wal, Instant now,
    List<String> notes) {
  private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss'Z'").withZone(ZoneOffset.UTC);

  /** Copies the lists. */
  public BackupTimeline {
    events = List.copyOf(events);
    wal = List.copyOf(wal);
    Objects.requireNonNull(now, "now");
    notes = List.copyOf(notes);
  }

  /** What an event is. */
  public enum Kind {
    /** A backup finished: {@link Event#at()} is its stop time. */
    BACKUP,
    /** A migration was applied (a row of {@code lockplane.history}): its start time. */
    MIGRATION,
    /** Archived WAL is missing: no recovery target between the surrounding segments is reachable across it. */
    WAL_GAP,
    /**
     * A restore point in the archived WAL ({@code pg_create_restore_point}): its creation time; the
     * label is its name, a target of {@link RecoveryTarget#restorePoint(String)}.
     */
    RESTORE_POINT
  }

  /**
   * One moment on the timeline.
   *
   * @param at when
   * @param kind what
   * @param label the backup id, the history entry's number, the missing segments, or the restore point's name
   * @param lsn the WAL position (a physical backup's end, a restore point's), or {@code null}
   * @param detail more, such as the backup's kind and tags or the migration's outcome
   */
  public record Event(Instant at, Kind kind, String label, String lsn, String detail) {
    /** Checks the values. */
    public Event {
      Objects.requireNonNull(kind, "kind");
      Objects.requireNonNull(label, "label");
    }

    /** One line, such as {@code 2026-11-30 02:00:00Z  backup 20261130T020000Z-1a2b (physical, WAL up to 0/3000100)}. */
    public String describe() {
      String when = at == null ? "(time unknown)      " : WHEN.format(at);
      String what = switch (kind) {
        case BACKUP -> "backup " + label;
        case MIGRATION -> "migration " + label;
        case WAL_GAP -> "WAL gap " + label;
        case RESTORE_POINT -> "restore point '" + label + "'";
      };
      return when + "  " + what + (detail == null || detail.isEmpty() ? "" : " (" + detail + ")");
    }
  }

  /**
   * The archived WAL of one server on one timeline.
   *
   * @param systemIdentifier the server
   * @param timeline the timeline
   * @param segments archived segments
   * @param firstSegment the oldest
   * @param lastSegment the newest
   * @param from the WAL position the oldest starts at
   * @param through the WAL position after the newest
   * @param firstArchivedAt when the oldest was archived
   * @param lastArchivedAt when the newest was archived: recovery on this timeline reaches at most that moment
   * @param gaps missing ranges ({@code first..last} segment names); recovery cannot cross them
   */
  public record WalCoverage(String systemIdentifier, int timeline, long segments, String firstSegment, String lastSegment,
      String from, String through, Instant firstArchivedAt, Instant lastArchivedAt, List<String> gaps) {
    /** Copies the gaps. */
    public WalCoverage {
      gaps = List.copyOf(gaps);
    }
  }

  /**
   * The timeline as text: one summary line ({@code backup A 02:00 → migration 41 at 09:58 → now}),
   * then the events, the WAL coverage and the notes.
   *
   * @return the lines
   */
  public List<String> describe() {
    List<String> lines = new ArrayList<>();
    List<String> chain = new ArrayList<>();
    for (Event e : events) {
      if (e.kind() == Kind.WAL_GAP) {
        chain.add("gap in WAL");
      } else if (e.at() != null) {
        String hm = WHEN.format(e.at()).substring(11, 16);
        chain.add(switch (e.kind()) {
          case BACKUP -> "backup " + e.label() + " " + hm;
          case RESTORE_POINT -> "restore point '" + e.label() + "' at " + hm;
          default -> "migration " + e.label() + " at " + hm;
        });
      }
    }
    chain.add("now");
    lines.add(String.join(" → ", chain));
    for (Event e : events) {
      lines.add(e.describe());
    }
    lines.add(WHEN.format(now) + "  now");
    if (wal.isEmpty()) {
      lines.add("WAL: none archived; backups can be restored only to the moment each finished");
    }
    for (WalCoverage w : wal) {
      lines.add("WAL of server " + w.systemIdentifier() + ", timeline " + w.timeline() + ": " + w.segments() + " segments "
          + w.firstSegment() + " .. " + w.lastSegment() + " (" + w.from() + " to " + w.through() + ", archived "
          + WHEN.format(w.firstArchivedAt()) + " to " + WHEN.format(w.lastArchivedAt()) + ")"
          + (w.gaps().isEmpty() ? ", no gaps" : ", gaps: " + String.join(", ", w.gaps())));
    }
    for (String n : notes) {
      lines.add("note: " + n);
    }
    return lines;
  }
}
