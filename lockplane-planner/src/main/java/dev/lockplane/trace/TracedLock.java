package dev.lockplane.trace;

import dev.lockplane.plan.LockMode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A lock a traced statement took on a relation that existed before the migration.
 *
 * @param relation the relation, schema-qualified unless in {@code public}
 * @param mode the strongest mode the statement took on it
 * @param heldFor from when it was first seen (or the statement started) until it was released: the end
 *     of the statement when it ran on its own; otherwise the rest of that statement plus every later
 *     statement of its transaction (the trace's own pauses between statements are not counted)
 * @param takenAfter how long after its statement started the lock was first seen (zero when only the
 *     statement's own view at its end saw it)
 * @param observed true when seen in {@code pg_locks}; false when the lock catalogue supplied it because
 *     the statement ran outside a transaction and released the lock before a sample saw it
 */
public record TracedLock(String relation, LockMode mode, Duration heldFor, Duration takenAfter, boolean observed) {
  /** Validates the components. */
  public TracedLock {
    Objects.requireNonNull(relation, "relation");
    Objects.requireNonNull(mode, "mode");
    Objects.requireNonNull(heldFor, "heldFor");
    Objects.requireNonNull(takenAfter, "takenAfter");
  }

  /**
   * Returns what this lock makes wait, from PostgreSQL's lock conflict table: {@code reads} (plain
   * SELECT), {@code writes} (INSERT, UPDATE, DELETE), {@code ddl} (ALTER, DROP and the other statements
   * that take ACCESS EXCLUSIVE; every mode blocks them).
   *
   * @return the blocked kinds of statement, in that order
   */
  public List<String> blocks() {
    List<String> out = new ArrayList<>();
    if (mode.blocksReads()) {
      out.add("reads");
    }
    if (mode.blocksWrites()) {
      out.add("writes");
    }
    if (mode.conflictsWith(LockMode.ACCESS_EXCLUSIVE)) {
      out.add("ddl");
    }
    return out;
  }
}
