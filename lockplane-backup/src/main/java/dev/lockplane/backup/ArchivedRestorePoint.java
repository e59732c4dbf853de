package dev.lockplane.backup;

import java.time.Instant;
import java.util.Objects;

/**
 * A restore point found in the archived WAL: {@code SELECT pg_create_restore_point('before-deploy')}
 * on the server, read back from the segment's records when the segment was archived. Recover to it
 * with {@link RecoveryTarget#restorePoint(String)}.
 *
 * @param name its name
 * @param lsn the WAL position after its record (what {@code pg_create_restore_point} returned)
 * @param createdAt when it was created, by the server's clock
 * @param segment the archived segment holding it
 * @param timeline the segment's timeline
 */
public record ArchivedRestorePoint(String name, String lsn, Instant createdAt, String segment, int timeline) {
  /** Checks the values. */
  public ArchivedRestorePoint {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(lsn, "lsn");
    Objects.requireNonNull(segment, "segment");
  }

  /** One line, such as {@code 'before-deploy' at 0/3000148, created 2026-11-30T10:14:59Z (segment 000000010000000000000003)}. */
  public String describe() {
    return "'" + name + "' at " + lsn + ", created " + createdAt + " (segment " + segment + ")";
  }
}
