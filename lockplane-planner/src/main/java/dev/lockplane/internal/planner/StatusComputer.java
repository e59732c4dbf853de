package dev.lockplane.internal.planner;

import dev.lockplane.plan.DriftReport;
import dev.lockplane.plan.HistoryEntry;
import dev.lockplane.plan.SchemaStatus;
import dev.lockplane.plan.SchemaStatus.State;
import java.util.List;

/**
 * Decides a {@link SchemaStatus} from the live hash, the desired hash and the history (see the
 * verdicts' documentation): equal hashes are the desired state; otherwise, with applies recorded,
 * a live schema that is not the last successful apply's result has drifted; a database where the
 * last apply left it is ahead when the desired hash is one of the history's earlier states, and
 * behind otherwise (also when nothing was ever recorded).
 */
public final class StatusComputer {
  private StatusComputer() {}

  /**
   * Decides the status.
   *
   * @param drift the comparison of the live schema with the desired one (its hashes are used)
   * @param history the history, oldest first
   * @return the status
   */
  public static SchemaStatus decide(DriftReport drift, List<HistoryEntry> history) {
    String live = drift.liveHash();
    String desired = drift.desiredHash();
    HistoryEntry last = null;
    for (HistoryEntry e : history) {
      if (e.outcome() == HistoryEntry.Outcome.APPLIED) {
        last = e;
      }
    }
    if (live.equals(desired)) {
      return new SchemaStatus(State.AT_DESIRED_STATE, live, desired, last, drift,
          "The database's schema is the desired schema.");
    }
    if (history.isEmpty()) {
      return new SchemaStatus(State.BEHIND, live, desired, null, drift, "No apply is recorded in this database, "
          + "and its schema is not the desired one: plan and apply the desired schema.");
    }
    if (last == null || !live.equals(last.resultHash())) {
      HistoryEntry latest = history.get(history.size() - 1);
      String why = last == null ? "No recorded apply succeeded"
          : "The live schema is not what the last successful apply (#" + last.id() + ", " + last.started()
              + ") left (" + last.resultHash() + ")";
      String failed = latest.outcome() == HistoryEntry.Outcome.FAILED
          || latest.outcome() == HistoryEntry.Outcome.INTERRUPTED
          ? "; the latest apply (#" + latest.id() + ") " + latest.outcome() + " and may have committed some steps"
          : "";
      return new SchemaStatus(State.DRIFTED, live, desired, last, drift, why + failed + ": the schema was changed "
          + "outside Lockplane. Review the differences, then bring them into the desired schema or plan them away.");
    }
    for (HistoryEntry e : history) {
      if (e.outcome() == HistoryEntry.Outcome.APPLIED && e.id() != last.id()
          && (desired.equals(e.sourceHash()) || desired.equals(e.resultHash()))
          || e.id() == last.id() && desired.equals(e.sourceHash())) {
        return new SchemaStatus(State.AHEAD, live, desired, last, drift, "The database was at the desired schema "
            + "(around apply #" + e.id() + ", " + e.started() + ") and later applies moved it on: the desired "
            + "schema is older than the database. Update the desired schema, or plan back to it deliberately.");
      }
    }
    return new SchemaStatus(State.BEHIND, live, desired, last, drift, "The database is where the last apply (#"
        + last.id() + ") left it and the desired schema has changes not applied yet: plan and apply them.");
  }
}
