package dev.lockplane.plan;

import java.util.Locale;
import java.util.Objects;

/**
 * Where a database stands relative to its desired schema, judged from three things: the live
 * schema's hash, the desired schema's hash, and the history table.
 *
 * @param state the verdict
 * @param liveHash the live schema's hash
 * @param desiredHash the desired schema's hash
 * @param lastApplied the latest history entry that ended {@code applied}, or null when there is none
 * @param drift how the live schema differs from the desired one (empty when at the desired state)
 * @param explanation one or two sentences saying why this is the verdict, and what to do
 */
public record SchemaStatus(State state, String liveHash, String desiredHash, HistoryEntry lastApplied,
    DriftReport drift, String explanation) {
  /** The verdicts. */
  public enum State {
    /** The live schema's hash is the desired schema's hash. */
    AT_DESIRED_STATE,
    /**
     * The database is where the last recorded apply left it (or no apply was ever recorded) and the
     * desired schema is one it has not been at: applying the desired schema moves it forward.
     */
    BEHIND,
    /**
     * The database is where the last recorded apply left it, and the desired schema is one it was at
     * before (the source or the result of an earlier apply): the desired files are older than the
     * database.
     */
    AHEAD,
    /**
     * Applies were recorded but the live schema is not what the last successful one left: something
     * changed it outside Lockplane (by hand, or a failed or interrupted apply).
     */
    DRIFTED;

    /** Returns the spelling used in output: {@code at desired state}, {@code behind}, … */
    @Override
    public String toString() {
      return name().toLowerCase(Locale.ROOT).replace('_', ' ');
    }
  }

  /** Validates the record. */
  public SchemaStatus {
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(liveHash, "liveHash");
    Objects.requireNonNull(desiredHash, "desiredHash");
    Objects.requireNonNull(drift, "drift");
    Objects.requireNonNull(explanation, "explanation");
  }

  /** Returns the verdict, the hashes, the explanation and the differences, for a person. */
  public String toText() {
    StringBuilder b = new StringBuilder("status: ").append(state).append('\n')
        .append("live schema:    ").append(liveHash).append('\n')
        .append("desired schema: ").append(desiredHash).append('\n')
        .append("last applied:   ").append(lastApplied == null ? "none recorded" : lastApplied.toText()).append('\n')
        .append(explanation).append('\n');
    if (!drift.isEmpty()) {
      b.append(drift.toText());
      if (b.charAt(b.length() - 1) != '\n') {
        b.append('\n');
      }
    }
    return b.toString();
  }
}
