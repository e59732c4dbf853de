package dev.lockplane.plan;

import java.util.List;

/**
 * The differences between a live database and the desired state, object by object, sorted by
 * object name.
 *
 * @param liveHash the schema hash of the live database
 * @param desiredHash the schema hash of the desired state
 * @param differences the differences
 */
public record DriftReport(String liveHash, String desiredHash, List<Difference> differences) {
  /** Copies the record. */
  public DriftReport {
    differences = differences == null ? List.of() : List.copyOf(differences);
  }

  /** Returns whether the live database matches the desired state. */
  public boolean isEmpty() {
    return differences.isEmpty();
  }

  /** Returns the report as text, one difference a line. */
  public String toText() {
    if (differences.isEmpty()) {
      return "no drift (schema " + liveHash + ")\n";
    }
    StringBuilder b = new StringBuilder();
    b.append(differences.size()).append(" difference(s) between the live database (")
        .append(liveHash).append(") and the desired state (").append(desiredHash).append("):\n");
    for (Difference d : differences) {
      b.append("  ").append(d.toText()).append('\n');
    }
    return b.toString();
  }
}
