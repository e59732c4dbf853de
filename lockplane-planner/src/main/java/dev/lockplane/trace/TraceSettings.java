package dev.lockplane.trace;

import dev.lockplane.ErrorCode;
import dev.lockplane.LockplaneException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collection;
import java.util.Set;
import java.util.TreeSet;

/** The checks of the settings a trace and the migration hooks share. */
final class TraceSettings {
  private TraceSettings() {}

  /** The rule ids to ignore, each checked to name a {@link TraceRule}. */
  static Set<String> ruleIds(Collection<String> ruleIds) {
    Set<String> ids = new TreeSet<>();
    for (String id : ruleIds) {
      if (TraceRule.byId(id).isEmpty()) {
        throw new LockplaneException(ErrorCode.INVALID_CONFIGURATION, "unknown trace rule '" + id
            + "' to ignore; known rules: " + String.join(", ", Arrays.stream(TraceRule.values())
            .map(TraceRule::id).toList()));
      }
      ids.add(id);
    }
    return ids;
  }

  /** A positive slow-statement threshold. */
  static Duration slowStatement(Duration threshold) {
    if (threshold.isNegative() || threshold.isZero()) {
      throw new LockplaneException(ErrorCode.INVALID_CONFIGURATION, "slowStatement must be positive, not " + threshold);
    }
    return threshold;
  }

  /** A lock sampling interval between 0 and one second. */
  static Duration sampleInterval(Duration interval) {
    if (interval.isNegative() || interval.compareTo(Duration.ofSeconds(1)) > 0) {
      throw new LockplaneException(ErrorCode.INVALID_CONFIGURATION,
          "sampleInterval must be between 0 and 1 s, not " + interval);
    }
    return interval;
  }
}
