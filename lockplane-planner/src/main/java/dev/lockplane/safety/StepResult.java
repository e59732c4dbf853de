package dev.lockplane.safety;

import dev.lockplane.plan.LockMode;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What one step did on the shadow clone, measured.
 *
 * @param number the step's position, from 1
 * @param step the step
 * @param wallTime how long it ran (including the commit, for a transactional step)
 * @param locks the locks it held, strongest mode per relation, sorted by relation
 * @param rewritten the tables and materialized views whose files it replaced (relfilenode changed), sorted
 * @param rowsAffected the row count from the command tag, or -1 when the statement reports none (DDL)
 * @param walBytes the WAL it generated ({@code pg_wal_lsn_diff} around the step; on a server shared with
 *     other work this includes theirs)
 * @param error the server's message with its SQLSTATE if it failed
 */
public record StepResult(
    int number,
    SqlStep step,
    Duration wallTime,
    List<LockHold> locks,
    List<String> rewritten,
    long rowsAffected,
    long walBytes,
    Optional<String> error) {
  /** Validates and copies the components. */
  public StepResult {
    Objects.requireNonNull(step, "step");
    Objects.requireNonNull(wallTime, "wallTime");
    locks = List.copyOf(locks);
    rewritten = List.copyOf(rewritten);
    Objects.requireNonNull(error, "error");
  }

  /** Returns whether the step succeeded. */
  public boolean succeeded() {
    return error.isEmpty();
  }

  /** Returns the strongest lock held, if any. */
  public Optional<LockHold> strongestLock() {
    return locks.stream().max(Comparator.comparing(LockHold::mode)
        .thenComparing(LockHold::heldFor).thenComparing(LockHold::relation, Comparator.reverseOrder()));
  }

  /**
   * Returns the mode held on a relation.
   *
   * @param relation the relation name as reported
   * @return the mode, if the step locked it
   */
  public Optional<LockMode> lockOn(String relation) {
    return locks.stream().filter(l -> l.relation().equals(relation)).map(LockHold::mode).findFirst();
  }

  /**
   * Returns one sentence, such as {@code step 3 held ACCESS EXCLUSIVE on orders for 2.4 s, rewrote
   * orders and wrote 1.1 GB of WAL}.
   */
  public String summary() {
    StringBuilder b = new StringBuilder("step ").append(number);
    if (error.isPresent()) {
      return b.append(" failed after ").append(human(wallTime)).append(": ").append(error.get()).toString();
    }
    b.append(strongestLock()
        .map(l -> " held " + l.mode().sqlName() + " on " + l.relation() + " for " + human(l.heldFor()))
        .orElse(" took no lock on user relations (" + human(wallTime) + ")"));
    if (!rewritten.isEmpty()) {
      b.append(", rewrote ").append(String.join(", ", rewritten));
    }
    if (rowsAffected > 0) {
      b.append(", touched ").append(rowsAffected).append(" rows");
    }
    return b.append(" and wrote ").append(TableStatistics.humanBytes(walBytes)).append(" of WAL").toString();
  }

  /**
   * Formats a duration for reports: {@code 3 ms}, {@code 2.4 s}.
   *
   * @param d the duration
   * @return the text
   */
  public static String human(Duration d) {
    long micros = d.toNanos() / 1_000;
    if (micros < 1_000) {
      return String.format(java.util.Locale.ROOT, "%.2f ms", micros / 1e3);
    }
    if (micros < 1_000_000) {
      return (micros / 1_000) + " ms";
    }
    return String.format(java.util.Locale.ROOT, "%.1f s", micros / 1e6);
  }
}
