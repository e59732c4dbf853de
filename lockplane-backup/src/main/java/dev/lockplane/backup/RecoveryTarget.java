package dev.lockplane.backup;

import dev.lockplane.ErrorCode;
import dev.lockplane.LockplaneException;
import java.time.Instant;
import java.util.Objects;

/**
 * Where a point-in-time recovery stops: a moment, a WAL position, a named restore point, or the end
 * of the archived WAL. Recovery replays every transaction committed up to and including the
 * target, and none after it.
 */
public sealed interface RecoveryTarget {

  /**
   * Stops after the last transaction committed at or before a moment.
   *
   * @param time the moment
   * @return the target
   */
  static RecoveryTarget time(Instant time) {
    return new Time(Objects.requireNonNull(time, "time"));
  }

  /**
   * Stops at a WAL position.
   *
   * @param lsn the position, such as {@code 0/3000028}
   * @return the target
   * @throws LockplaneException {@code INVALID_INPUT} when it is not a position
   */
  static RecoveryTarget lsn(String lsn) {
    return new Lsn(lsn);
  }

  /**
   * Stops at a restore point made with {@code pg_create_restore_point(name)}.
   *
   * @param name the restore point's name
   * @return the target
   */
  static RecoveryTarget restorePoint(String name) {
    return new RestorePoint(name);
  }

  /** Replays all the archived WAL. */
  static RecoveryTarget latest() {
    return new Latest();
  }

  /** Describes the target for messages, such as {@code time 2026-11-30T10:15:00Z}. */
  String describe();

  /**
   * A moment.
   *
   * @param time the moment
   */
  record Time(Instant time) implements RecoveryTarget {
    /** Checks the moment. */
    public Time {
      Objects.requireNonNull(time, "time");
    }

    @Override
    public String describe() {
      return "time " + time;
    }
  }

  /**
   * A WAL position.
   *
   * @param lsn the position, such as {@code 0/3000028}
   */
  record Lsn(String lsn) implements RecoveryTarget {
    /** Checks the position. */
    public Lsn {
      Objects.requireNonNull(lsn, "lsn");
      try {
        lsn = dev.lockplane.internal.backup.WalNames.formatLsn(dev.lockplane.internal.backup.WalNames.parseLsn(lsn));
      } catch (IllegalArgumentException e) {
        throw new LockplaneException(ErrorCode.INVALID_INPUT, e.getMessage() + ".");
      }
    }

    @Override
    public String describe() {
      return "WAL position " + lsn;
    }
  }

  /**
   * A named restore point.
   *
   * @param name the name
   */
  record RestorePoint(String name) implements RecoveryTarget {
    /** Checks the name. */
    public RestorePoint {
      if (Objects.requireNonNull(name, "name").isEmpty() || name.length() > 63 || name.indexOf('\'') >= 0) {
        throw new LockplaneException(ErrorCode.INVALID_INPUT, "'" + name + "' is not a restore point name (1 to 63"
            + " characters, no quote).");
      }
    }

    @Override
    public String describe() {
      return "restore point '" + name + "'";
    }
  }

  /** The end of the archived WAL. */
  record Latest() implements RecoveryTarget {
    @Override
    public String describe() {
      return "the end of the archived WAL";
    }
  }
}
