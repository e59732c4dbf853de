package dev.lockplane.golden;

import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * What masking did to a golden: the rules applied, the rows rewritten per table, how long it took
 * and the columns that look personal but had no rule. Free of secrets and of data values.
 *
 * @param rules each masked column ({@code schema.table.column}) and its rule's description, sorted
 * @param rows rows rewritten per table ({@code schema.table}), sorted
 * @param duration how long masking took, the clean-up of the golden's files included
 * @param unmasked columns that look personal and had no rule ({@code schema.table.column}), sorted
 */
public record MaskingReport(Map<String, String> rules, Map<String, Long> rows, Duration duration, List<String> unmasked) {

  /** Copies and sorts the components. */
  public MaskingReport {
    rules = Collections.unmodifiableMap(new TreeMap<>(Objects.requireNonNull(rules, "rules")));
    rows = Collections.unmodifiableMap(new TreeMap<>(Objects.requireNonNull(rows, "rows")));
    Objects.requireNonNull(duration, "duration");
    unmasked = List.copyOf(Objects.requireNonNull(unmasked, "unmasked").stream().sorted().toList());
  }

  /**
   * Renders the report as text, one line per rule, table and unmasked column, in a stable order.
   *
   * @return the text
   */
  public String render() {
    StringBuilder s = new StringBuilder("masked in ").append(duration.toMillis()).append(" ms\n");
    rules.forEach((c, r) -> s.append("  rule   ").append(c).append(": ").append(r).append('\n'));
    rows.forEach((t, n) -> s.append("  table  ").append(t).append(": ").append(n).append(" rows\n"));
    unmasked.forEach(c -> s.append("  unmasked (looks personal, no rule) ").append(c).append('\n'));
    return s.toString();
  }
}
