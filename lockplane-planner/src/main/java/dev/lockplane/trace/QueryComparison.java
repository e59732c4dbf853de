package dev.lockplane.trace;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How one query of a {@link QueryCheck} ran before and after the migration.
 *
 * @param query the query
 * @param before its plan and median time before the migration
 * @param after its plan and median time after the migration; empty when it failed or the migration did
 * @param error why it failed after the migration, if it did
 * @param slower whether its median grew beyond the check's thresholds
 */
public record QueryComparison(QueryCheck.Query query, QueryPlan before, Optional<QueryPlan> after, Optional<String> error,
    boolean slower) {

  /**
   * A query's plan and timing.
   *
   * @param shape the plan without costs, rows or timings: one node a line, indented by depth, such as
   *     {@code Index Scan using orders_customer_idx on orders}
   * @param median the median execution time over the runs
   * @param buffers shared buffers hit and read by the median run
   */
  public record QueryPlan(String shape, Duration median, long buffers) {
    /** Validates the components. */
    public QueryPlan {
      Objects.requireNonNull(shape, "shape");
      Objects.requireNonNull(median, "median");
    }
  }

  /** Validates the components. */
  public QueryComparison {
    Objects.requireNonNull(query, "query");
    Objects.requireNonNull(before, "before");
    Objects.requireNonNull(after, "after");
    Objects.requireNonNull(error, "error");
  }

  /** Returns whether the plan is not the one it was (also when the query now fails). */
  public boolean planChanged() {
    return after.map(a -> !a.shape().equals(before.shape())).orElse(true);
  }

  /** Returns whether the query is worse off: slower, or failing. */
  public boolean regressed() {
    return slower || error.isPresent();
  }

  /** Returns how many times slower the median is (below 1: faster), or empty when it failed. */
  public Optional<Double> ratio() {
    return after.map(a -> ratio(before.median(), a.median()));
  }

  private static double ratio(Duration before, Duration after) {
    long b = Math.max(1, before.toNanos());
    return (double) after.toNanos() / b;
  }
}
