package dev.lockplane.trace;

import dev.lockplane.ErrorCode;
import dev.lockplane.LockplaneException;
import dev.lockplane.internal.trace.QueryPlans;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Queries whose plans and timings a {@link MigrationTrace} compares before and after the migration,
 * on the same clone: each runs under {@code EXPLAIN (ANALYZE, BUFFERS)} several times before the
 * migration and again after it (each time after an {@code ANALYZE} of the clone, as autovacuum would
 * have done by then), inside a transaction that is rolled back. A query is <em>slower</em> when its
 * median time grew by at least {@code slowerThan} times and by at least {@code minSlowdown}; it is
 * <em>broken</em> when it fails after the migration — a column or index it needs is gone.
 *
 * <p>A query file holds SQL statements separated by semicolons; a {@code -- name: orders by customer}
 * comment before a statement names it, otherwise its file and line do.
 *
 * @param queries the queries
 * @param runs how often each query runs before and after (its median counts)
 * @param slowerThan the factor by which a median must grow to count as slower, above 1
 * @param minSlowdown how much a median must grow, at least, to count as slower (against noise on
 *     fast queries)
 */
public record QueryCheck(List<Query> queries, int runs, double slowerThan, Duration minSlowdown) {

  /**
   * One query to compare.
   *
   * @param name how the report names it
   * @param sql the statement (no parameters)
   */
  public record Query(String name, String sql) {
    /** Validates the components. */
    public Query {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(sql, "sql");
      if (sql.isBlank()) {
        throw new IllegalArgumentException("a query to compare needs SQL");
      }
    }
  }

  /** Validates the components. */
  public QueryCheck {
    queries = List.copyOf(queries);
    Objects.requireNonNull(minSlowdown, "minSlowdown");
    if (queries.isEmpty()) {
      throw new LockplaneException(ErrorCode.INVALID_INPUT, "a query check needs at least one query");
    }
    if (runs < 1 || runs > 100) {
      throw new LockplaneException(ErrorCode.INVALID_CONFIGURATION, "query runs must be 1 to 100, not " + runs);
    }
    if (!(slowerThan > 1.0)) {
      throw new LockplaneException(ErrorCode.INVALID_CONFIGURATION,
          String.format(Locale.ROOT, "slowerThan must be above 1 (a factor), not %s", slowerThan));
    }
    if (minSlowdown.isNegative()) {
      throw new LockplaneException(ErrorCode.INVALID_CONFIGURATION, "minSlowdown must not be negative, not " + minSlowdown);
    }
  }

  /**
   * Compares the given statements, named {@code query 1}, {@code query 2} …, 5 runs each, slower at
   * 1.5 times and 1 ms more.
   *
   * @param sql the statements
   * @return the check
   */
  public static QueryCheck of(String... sql) {
    List<Query> q = new java.util.ArrayList<>();
    Arrays.stream(sql).forEach(s -> q.add(new Query("query " + (q.size() + 1), s)));
    return new QueryCheck(q, 5, 1.5, Duration.ofMillis(1));
  }

  /**
   * Reads a query file, 5 runs each, slower at 1.5 times and 1 ms more.
   *
   * @param file SQL statements separated by semicolons, optionally named by {@code -- name: …}
   * @return the check
   * @throws LockplaneException ({@link ErrorCode#INVALID_INPUT}) when the file holds no statement,
   *     ({@link ErrorCode#IO_ERROR}) when it cannot be read
   */
  public static QueryCheck file(Path file) {
    return new QueryCheck(QueryPlans.read(file), 5, 1.5, Duration.ofMillis(1));
  }

  /**
   * Compares a database's own most frequent statements, read from {@code pg_stat_statements}, their
   * parameters filled with sampled values (see {@link Workload#topStatements}), 5 runs each, slower
   * at 1.5 times and 1 ms more.
   *
   * @param database a connection to the database whose statements are read (the trace's target)
   * @param top how many statements, by calls
   * @param skipped told of each statement left out, and why
   * @return the check, the queries named by their SQL
   * @throws LockplaneException ({@link ErrorCode#INVALID_INPUT}) when the database has no
   *     {@code pg_stat_statements}, it recorded nothing, or nothing can be replayed
   */
  public static QueryCheck topStatements(java.sql.Connection database, int top, java.util.function.Consumer<String> skipped) {
    List<Query> q = new java.util.ArrayList<>();
    for (String sql : dev.lockplane.internal.trace.StatementWorkload.statements(database, top, skipped)) {
      String name = sql.replaceAll("\\s+", " ");
      q.add(new Query(name.length() <= 60 ? name : name.substring(0, 57) + "...", sql));
    }
    return new QueryCheck(q, 5, 1.5, Duration.ofMillis(1));
  }

  /**
   * Returns this check with another number of runs per query.
   *
   * @param runs 1 to 100
   * @return the check
   */
  public QueryCheck runs(int runs) {
    return new QueryCheck(queries, runs, slowerThan, minSlowdown);
  }

  /**
   * Returns this check with another slowdown threshold.
   *
   * @param factor the factor a median must grow by, above 1
   * @param atLeast the least growth that counts
   * @return the check
   */
  public QueryCheck slowerThan(double factor, Duration atLeast) {
    return new QueryCheck(queries, runs, factor, atLeast);
  }
}
