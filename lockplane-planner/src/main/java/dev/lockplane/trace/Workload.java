package dev.lockplane.trace;

import dev.lockplane.ErrorCode;
import dev.lockplane.LockplaneException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A workload a {@link MigrationTrace} runs against a second clone while the migration runs there
 * without pauses, and once before it as a baseline, to count the queries the migration made wait.
 * Queries are chosen by a seeded random generator in proportion to their rates, on a few
 * connections, at most {@value #MAX_RATE} queries a second in all, each with a 5 s
 * {@code statement_timeout}; only against a clone on this machine (loopback or a Unix socket).
 *
 * <p>A mix file has one query per line, its rate first: {@code 200/s SELECT * FROM orders WHERE id = 7};
 * blank lines and lines starting with {@code #} are skipped.
 *
 * @param queries the queries with their rates
 * @param connections how many connections run them
 * @param baseline how long the baseline runs before the migration
 * @param seed the random generator's seed
 */
public record Workload(List<Query> queries, int connections, Duration baseline, long seed) {
  /** The highest total rate, queries per second. */
  public static final int MAX_RATE = 2000;

  private static final Pattern LINE = Pattern.compile("^(\\d+(?:\\.\\d+)?)/s\\s+(\\S.*)$");

  /**
   * One query of a workload.
   *
   * @param sql the statement (no parameters)
   * @param perSecond how often it runs
   */
  public record Query(String sql, double perSecond) {
    /** Validates the components. */
    public Query {
      Objects.requireNonNull(sql, "sql");
      if (sql.isBlank() || !(perSecond > 0)) {
        throw new IllegalArgumentException("a workload query needs SQL and a positive rate");
      }
    }
  }

  /** Validates the components. */
  public Workload {
    queries = List.copyOf(queries);
    Objects.requireNonNull(baseline, "baseline");
    if (queries.isEmpty()) {
      throw new LockplaneException(ErrorCode.INVALID_INPUT, "a workload needs at least one query");
    }
    if (connections < 1 || connections > 32) {
      throw new LockplaneException(ErrorCode.INVALID_CONFIGURATION, "workload connections must be 1 to 32, not " + connections);
    }
    if (baseline.isNegative() || baseline.isZero() || baseline.compareTo(Duration.ofMinutes(1)) > 0) {
      throw new LockplaneException(ErrorCode.INVALID_CONFIGURATION, "the workload baseline must be up to a minute, not " + baseline);
    }
    double total = queries.stream().mapToDouble(Query::perSecond).sum();
    if (total > MAX_RATE) {
      throw new LockplaneException(ErrorCode.INVALID_CONFIGURATION, String.format(Locale.ROOT,
          "the workload asks for %.0f queries a second; at most %d are run: lower the rates", total, MAX_RATE));
    }
  }

  /** Returns the sum of the rates, queries per second. */
  public double totalRate() {
    return queries.stream().mapToDouble(Query::perSecond).sum();
  }

  /**
   * Reads a mix file, with 4 connections, a one-second baseline and seed 1.
   *
   * @param file the file
   * @return the workload
   * @throws LockplaneException ({@link ErrorCode#INVALID_INPUT}) naming the line that is not {@code RATE/s SQL}
   */
  public static Workload mix(Path file) {
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new LockplaneException(ErrorCode.IO_ERROR, "Cannot read workload mix " + file + ": " + e.getMessage(), e);
    }
    List<Query> queries = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      Matcher m = LINE.matcher(line);
      if (!m.matches() || !(Double.parseDouble(m.group(1)) > 0)) {
        throw new LockplaneException(ErrorCode.INVALID_INPUT, file + ":" + (i + 1) + ": expected 'RATE/s SQL', such as "
            + "'200/s SELECT * FROM orders WHERE id = 7', not '" + line + "'");
      }
      String sql = m.group(2).strip();
      queries.add(new Query(sql.endsWith(";") ? sql.substring(0, sql.length() - 1) : sql, Double.parseDouble(m.group(1))));
    }
    if (queries.isEmpty()) {
      throw new LockplaneException(ErrorCode.INVALID_INPUT, file + ": the workload mix has no query lines ('RATE/s SQL')");
    }
    return new Workload(queries, 4, Duration.ofSeconds(1), 1);
  }

  /**
   * A workload of a database's own most frequent statements, read from {@code pg_stat_statements}:
   * each statement's parameters ({@code $1} …) are filled with values sampled from the columns they
   * are compared with (five variants per statement, seeded), {@code LIMIT $n} with 10, and each
   * statement's rate is its share of the calls. Only SELECT, UPDATE, DELETE and WITH statements are
   * replayed; the others, and statements whose parameters match no column with data, are left out
   * and reported to {@code skipped}. 4 connections, a one-second baseline, seed 1.
   *
   * @param database a connection to the database whose statements are read and whose rows are
   *     sampled (the trace's target)
   * @param top how many statements, by calls (1 to 1000)
   * @param totalRate queries a second in all (at most {@value #MAX_RATE})
   * @param skipped told of each statement left out, and why
   * @return the workload
   * @throws LockplaneException ({@link ErrorCode#INVALID_INPUT}) when the database has no
   *     {@code pg_stat_statements}, it recorded nothing, or nothing can be replayed
   */
  public static Workload topStatements(java.sql.Connection database, int top, double totalRate,
      java.util.function.Consumer<String> skipped) {
    return dev.lockplane.internal.trace.StatementWorkload.read(database, top, totalRate, 1, skipped);
  }
}
