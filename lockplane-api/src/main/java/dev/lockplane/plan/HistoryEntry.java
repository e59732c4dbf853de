package dev.lockplane.plan;

import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Objects;

/**
 * One row of a database's apply history: an apply (or rollback) of a plan, who ran it, from which
 * schema to which, and how it ended. Rows written before a column existed have null there.
 *
 * @param id the history id (grows with every apply)
 * @param started when the apply started
 * @param duration how long it ran; null while running, and for interrupted runs
 * @param outcome how it ended
 * @param steps the number of steps of its plan
 * @param sourceHash the schema hash its plan starts from
 * @param targetHash the schema hash its plan produces
 * @param resultHash the schema hash found after it ran; null when not recorded (running,
 *     interrupted, or a step failed)
 * @param user the database user that applied it (PostgreSQL {@code session_user}; SQLite: the
 *     operating-system user), or null
 * @param clientAddress the client's address as the server saw it ({@code inet_client_addr()}; {@code
 *     local} for a Unix socket and for SQLite), or null
 * @param clientHost the host name of the machine that ran the apply, or null
 * @param error why it failed or was interrupted, or null
 * @param backupId the backup taken before the first step (see {@link ApplyBackup}), or null
 */
public record HistoryEntry(long id, Instant started, Duration duration, Outcome outcome, int steps,
    String sourceHash, String targetHash, String resultHash, String user, String clientAddress,
    String clientHost, String error, String backupId) {
  /**
   * Creates an entry without a backup.
   *
   * @param id the history id
   * @param started when the apply started
   * @param duration how long it ran, or null
   * @param outcome how it ended
   * @param steps the number of steps of its plan
   * @param sourceHash the schema hash its plan starts from
   * @param targetHash the schema hash its plan produces
   * @param resultHash the schema hash found after it ran, or null
   * @param user the database user, or null
   * @param clientAddress the client's address, or null
   * @param clientHost the client's host name, or null
   * @param error why it failed, or null
   */
  public HistoryEntry(long id, Instant started, Duration duration, Outcome outcome, int steps, String sourceHash,
      String targetHash, String resultHash, String user, String clientAddress, String clientHost, String error) {
    this(id, started, duration, outcome, steps, sourceHash, targetHash, resultHash, user, clientAddress, clientHost,
        error, null);
  }

  /** How an apply ended. */
  public enum Outcome {
    /** Still running (or its process died and no later apply has looked yet). */
    RUNNING,
    /** Every step ran and the result is the plan's target. */
    APPLIED,
    /** A step failed, or the result was not the plan's target. */
    FAILED,
    /** Its process ended without recording an outcome; a later apply marked it. */
    INTERRUPTED;

    /**
     * Returns the outcome written in the history table as {@code text}.
     *
     * @param text {@code running}, {@code applied}, {@code failed} or {@code interrupted}
     * @return the outcome
     * @throws IllegalArgumentException for another text
     */
    public static Outcome of(String text) {
      return valueOf(text.toUpperCase(Locale.ROOT));
    }

    /** Returns the spelling used in the history table and in output. */
    @Override
    public String toString() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** Validates the record. */
  public HistoryEntry {
    Objects.requireNonNull(started, "started");
    Objects.requireNonNull(outcome, "outcome");
    Objects.requireNonNull(sourceHash, "sourceHash");
    Objects.requireNonNull(targetHash, "targetHash");
  }

  /** Returns one line for a person: id, time, outcome, steps, who, hashes, duration. */
  public String toText() {
    return "#" + id + "  " + started + "  " + outcome + "  " + steps + " step" + (steps == 1 ? "" : "s") + "  by "
        + (user == null ? "?" : user) + "@" + (clientHost == null ? "?" : clientHost)
        + (clientAddress == null ? "" : " (" + clientAddress + ")") + "  " + abbreviate(sourceHash) + " -> "
        + abbreviate(resultHash == null ? targetHash : resultHash) + (resultHash == null ? " (target)" : "")
        + (duration == null ? "" : "  " + duration.toMillis() + " ms")
        + (backupId == null ? "" : "  backup " + backupId);
  }

  private static String abbreviate(String hash) {
    return hash.startsWith("sha256:") && hash.length() > 19 ? hash.substring(0, 19) : hash;
  }
}
