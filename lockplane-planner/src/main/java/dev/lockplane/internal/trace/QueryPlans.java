package dev.lockplane.internal.trace;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lockplane.ErrorCode;
import dev.lockplane.LockplaneException;
import dev.lockplane.internal.sql.SqlSplitter;
import dev.lockplane.internal.sql.SqlStatement;
import dev.lockplane.trace.QueryCheck;
import dev.lockplane.trace.QueryComparison;
import dev.lockplane.trace.QueryComparison.QueryPlan;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads query files and measures queries' plans and timings under {@code EXPLAIN (ANALYZE, BUFFERS)}. */
public final class QueryPlans {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern NAME = Pattern.compile("(?m)^\\s*--\\s*name:\\s*(\\S.*?)\\s*$");

  private QueryPlans() {}

  /**
   * Reads a query file.
   *
   * @param file SQL statements separated by semicolons, optionally named by {@code -- name: …}
   * @return the queries, in file order
   */
  public static List<QueryCheck.Query> read(Path file) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new LockplaneException(ErrorCode.IO_ERROR, "Cannot read query file " + file + ": " + e.getMessage(), e);
    }
    List<QueryCheck.Query> out = new ArrayList<>();
    for (SqlStatement s : SqlSplitter.split(text)) {
      Matcher m = NAME.matcher(s.leadingComments());
      String name = m.find() ? m.group(1) : file.getFileName() + ":" + s.line();
      out.add(new QueryCheck.Query(name, s.sql()));
    }
    if (out.isEmpty()) {
      throw new LockplaneException(ErrorCode.INVALID_INPUT, file + ": the query file holds no SQL statement");
    }
    return out;
  }

  /** A measurement: the plan, or why the query failed. */
  record Measured(QueryPlan plan, String error) {}

  /**
   * Analyzes the database, then runs each query {@code runs} times under {@code EXPLAIN (ANALYZE,
   * BUFFERS, FORMAT JSON)}, each run in a transaction rolled back afterwards.
   *
   * @param c a connection to the clone, in auto-commit mode
   * @param check the queries
   * @return one measurement per query, in order
   * @throws SQLException when the clone cannot be reached
   */
  static List<Measured> measure(Connection c, QueryCheck check) throws SQLException {
    try (Statement st = c.createStatement()) {
      st.execute("ANALYZE");
    }
    List<Measured> out = new ArrayList<>();
    for (QueryCheck.Query q : check.queries()) {
      out.add(measure(c, q, check.runs()));
    }
    return out;
  }

  private static Measured measure(Connection c, QueryCheck.Query q, int runs) throws SQLException {
    long[] nanos = new long[runs];
    long[] buffers = new long[runs];
    String shape = null;
    c.setAutoCommit(false);
    try {
      for (int i = 0; i < runs; i++) {
        try (Statement st = c.createStatement();
            ResultSet rs = st.executeQuery("EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + q.sql())) {
          rs.next();
          JsonNode root = JSON.readTree(rs.getString(1)).get(0);
          nanos[i] = Math.round(root.path("Execution Time").asDouble() * 1_000_000);
          JsonNode plan = root.path("Plan");
          buffers[i] = plan.path("Shared Hit Blocks").asLong() + plan.path("Shared Read Blocks").asLong();
          StringBuilder b = new StringBuilder();
          shape(plan, 0, b);
          shape = b.toString();
        } catch (SQLException e) {
          if (e.getSQLState() != null && e.getSQLState().startsWith("08")) {
            throw e;
          }
          // the first line: PostgreSQL adds "Position: N" of the EXPLAIN text, which means nothing here
          return new Measured(null, String.valueOf(e.getMessage()).lines().findFirst().orElse("").strip());
        } catch (IOException e) {
          throw new SQLException("EXPLAIN returned a plan that is not JSON: " + e.getMessage(), e);
        } finally {
          c.rollback();
        }
      }
    } finally {
      c.setAutoCommit(true);
    }
    long[] sorted = nanos.clone();
    Arrays.sort(sorted);
    long median = sorted[runs / 2];
    int at = 0;
    for (int i = 0; i < runs; i++) {
      if (nanos[i] == median) {
        at = i;
        break;
      }
    }
    return new Measured(new QueryPlan(shape, Duration.ofNanos(median), buffers[at]), null);
  }

  /** The plan tree without costs, rows or timings: what decides whether the plan changed. */
  private static void shape(JsonNode node, int depth, StringBuilder b) {
    b.append("  ".repeat(depth)).append(node.path("Node Type").asText());
    if (node.has("Join Type") && !"Inner".equals(node.path("Join Type").asText())) {
      b.append(' ').append(node.path("Join Type").asText());
    }
    if (node.has("Strategy") && !"Plain".equals(node.path("Strategy").asText())) {
      b.append(" (").append(node.path("Strategy").asText()).append(')');
    }
    if (node.has("Index Name")) {
      b.append(" using ").append(node.path("Index Name").asText());
    }
    if (node.has("Relation Name")) {
      b.append(" on ").append(node.path("Relation Name").asText());
    }
    b.append('\n');
    for (JsonNode child : node.path("Plans")) {
      shape(child, depth + 1, b);
    }
  }

  /**
   * Compares the measurements before and after the migration.
   *
   * @param check the queries and thresholds
   * @param before measured before the migration: every query must have run
   * @param after measured after the migration, or null when the migration failed
   * @return one comparison per query
   * @throws LockplaneException ({@link ErrorCode#INVALID_INPUT}) naming a query that fails before
   *     the migration
   */
  static List<QueryComparison> compare(QueryCheck check, List<Measured> before, List<Measured> after) {
    List<QueryComparison> out = new ArrayList<>();
    for (int i = 0; i < check.queries().size(); i++) {
      QueryCheck.Query q = check.queries().get(i);
      Measured b = before.get(i);
      if (after == null) {
        continue;
      }
      Measured a = after.get(i);
      if (a.error() != null) {
        out.add(new QueryComparison(q, b.plan(), Optional.empty(), Optional.of(a.error()), false));
        continue;
      }
      Duration growth = a.plan().median().minus(b.plan().median());
      boolean slower = a.plan().median().toNanos() >= check.slowerThan() * b.plan().median().toNanos()
          && growth.compareTo(check.minSlowdown()) >= 0;
      out.add(new QueryComparison(q, b.plan(), Optional.of(a.plan()), Optional.empty(), slower));
    }
    return out;
  }

  /**
   * Refuses queries that fail before the migration: they test nothing.
   *
   * @param check the queries
   * @param before their measurements before the migration
   */
  static void requireRunnable(QueryCheck check, List<Measured> before) {
    for (int i = 0; i < before.size(); i++) {
      if (before.get(i).error() != null) {
        QueryCheck.Query q = check.queries().get(i);
        throw new LockplaneException(ErrorCode.INVALID_INPUT, "Query '" + q.name() + "' fails before the migration,"
            + " so there is nothing to compare: " + before.get(i).error() + ". Fix or remove it.");
      }
    }
  }
}
