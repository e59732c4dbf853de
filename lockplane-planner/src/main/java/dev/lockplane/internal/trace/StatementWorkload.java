package dev.lockplane.internal.trace;

import dev.lockplane.ErrorCode;
import dev.lockplane.LockplaneException;
import dev.lockplane.internal.sql.Identifiers;
import dev.lockplane.trace.Workload;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A workload made of a database's own most frequent statements, read from {@code pg_stat_statements}:
 * each normalized statement's parameters ({@code $1}, {@code $2} …) are filled with values sampled
 * from the columns they are compared with (a few variants per statement, chosen by a seeded
 * generator), and its rate is its share of the calls.
 */
public final class StatementWorkload {
  /** Variants of one statement, each with its own sampled parameters. */
  private static final int VARIANTS = 5;
  private static final String NAME = "(?:\"[^\"]+\"|[A-Za-z_][A-Za-z0-9_$]*)";
  private static final Pattern TABLE = Pattern.compile("(?i)\\b(?:from|join|update)\\s+(" + NAME + "(?:\\." + NAME
      + ")?)(?:\\s+(?:as\\s+)?(?!(?:where|join|on|set|left|right|inner|full|cross|order|group|limit|offset|using|"
      + "returning|natural|union|having|window|for)\\b)(" + NAME + "))?");
  private static final Pattern PARAM = Pattern.compile("\\$(\\d+)");
  private static final Pattern COLUMN_BEFORE = Pattern.compile("(?i)(?:(" + NAME + ")\\.)?(" + NAME
      + ")\\s*(?:=|<>|!=|<=|>=|<|>|\\blike\\b|\\bilike\\b)\\s*$");
  private static final Pattern COLUMN_AFTER = Pattern.compile("(?i)^\\s*(?:=|<>|!=|<=|>=|<|>)\\s*(?:(" + NAME
      + ")\\.)?(" + NAME + ")");
  private static final Pattern IN_LIST = Pattern.compile("(?i)(?:(" + NAME + ")\\.)?(" + NAME
      + ")\\s+(?:not\\s+)?in\\s*\\(([^()]*)$");
  private static final Pattern REPLAYABLE = Pattern.compile("(?is)^\\s*(select|update|delete|with)\\b.*");

  private StatementWorkload() {}

  /**
   * Reads the top statements and builds a workload of them.
   *
   * @param c a connection to the database whose statements are read and whose rows are sampled
   * @param top how many statements, by calls
   * @param totalRate queries a second in all
   * @param seed the generator's seed
   * @param skipped told of each statement left out, and why
   * @return the workload (4 connections, a one-second baseline)
   */
  public static Workload read(Connection c, int top, double totalRate, long seed, Consumer<String> skipped) {
    if (top < 1 || top > 1000) {
      throw new LockplaneException(ErrorCode.INVALID_CONFIGURATION, "top statements must be 1 to 1000, not " + top);
    }
    Map<String, Long> statements = top(c, top);
    Random random = new Random(seed);
    Map<String, List<String>> samples = new HashMap<>();
    Map<List<String>, Long> kept = new LinkedHashMap<>();
    for (Map.Entry<String, Long> e : statements.entrySet()) {
      String sql = e.getKey().strip();
      if (!REPLAYABLE.matcher(sql).matches()) {
        skipped.accept(shorten(sql) + ": only SELECT, UPDATE, DELETE and WITH queries are replayed");
        continue;
      }
      try {
        kept.put(variants(c, sql, random, samples), e.getValue());
      } catch (Unresolved u) {
        skipped.accept(shorten(sql) + ": " + u.getMessage());
      }
    }
    // the rate is shared among the statements replayed, in proportion to their calls
    long calls = kept.values().stream().mapToLong(Long::longValue).sum();
    List<Workload.Query> queries = new ArrayList<>();
    kept.forEach((variants, n) -> {
      double rate = totalRate * n / calls / variants.size();
      variants.forEach(v -> queries.add(new Workload.Query(v, rate)));
    });
    if (queries.isEmpty()) {
      throw new LockplaneException(ErrorCode.INVALID_INPUT, "None of the " + statements.size() + " most frequent"
          + " statements in pg_stat_statements can be replayed (their parameters could not be matched to columns"
          + " with data); give a workload mix file instead.");
    }
    return new Workload(queries, 4, Duration.ofSeconds(1), seed);
  }

  /**
   * Reads the top statements with their parameters filled once each, as queries to compare.
   *
   * @param c a connection to the database whose statements are read and whose rows are sampled
   * @param top how many statements, by calls
   * @param skipped told of each statement left out, and why
   * @return the statements, most frequent first
   */
  public static List<String> statements(Connection c, int top, Consumer<String> skipped) {
    Workload w = read(c, top, 1, 1, skipped);
    // variants of one statement follow each other and share its rate: keep the first of each
    List<String> out = new ArrayList<>();
    String previousShape = null;
    for (Workload.Query q : w.queries()) {
      String shape = q.sql().replaceAll("'(?:[^']|'')*'|\\b\\d+\\b", "?");
      if (!shape.equals(previousShape)) {
        out.add(q.sql());
      }
      previousShape = shape;
    }
    return out;
  }

  private static Map<String, Long> top(Connection c, int top) {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT count(*) FROM pg_extension WHERE extname = 'pg_stat_statements'")) {
      rs.next();
      if (rs.getLong(1) == 0) {
        throw new LockplaneException(ErrorCode.INVALID_INPUT, "The database " + c.getCatalog() + " has no"
            + " pg_stat_statements, so its own workload cannot be read: add pg_stat_statements to"
            + " shared_preload_libraries, restart, and run CREATE EXTENSION pg_stat_statements (or give a workload"
            + " mix file).");
      }
    } catch (SQLException e) {
      throw new LockplaneException(ErrorCode.DATABASE_ERROR, "Cannot look for pg_stat_statements: " + e.getMessage(), e);
    }
    Map<String, Long> out = new LinkedHashMap<>();
    try (PreparedStatement p = c.prepareStatement("SELECT query, sum(calls) AS calls FROM pg_stat_statements s"
        + " JOIN pg_database d ON d.oid = s.dbid WHERE d.datname = current_database()"
        + " AND s.query !~* '(pg_stat_statements|pg_catalog|information_schema)'"
        + " GROUP BY query ORDER BY calls DESC, query LIMIT ?")) {
      p.setInt(1, top);
      try (ResultSet rs = p.executeQuery()) {
        while (rs.next()) {
          out.put(rs.getString(1), rs.getLong(2));
        }
      }
    } catch (SQLException e) {
      throw new LockplaneException(ErrorCode.INVALID_INPUT, "Cannot read pg_stat_statements of " + database(c) + ": "
          + e.getMessage() + " (it must be in shared_preload_libraries, and the role needs pg_read_all_stats to see"
          + " other roles' statements)", e);
    }
    if (out.isEmpty()) {
      throw new LockplaneException(ErrorCode.INVALID_INPUT, "pg_stat_statements of " + database(c)
          + " has recorded no statements yet; let the application run first, or give a workload mix file.");
    }
    return out;
  }

  private static String database(Connection c) {
    try {
      return c.getCatalog();
    } catch (SQLException e) {
      return "the database";
    }
  }

  /** The statement with its parameters filled, a few times over. */
  private static List<String> variants(Connection c, String sql, Random random, Map<String, List<String>> samples)
      throws Unresolved {
    Map<String, String> aliases = new LinkedHashMap<>();
    Matcher t = TABLE.matcher(sql);
    while (t.find()) {
      aliases.put(unquote(t.group(1)), unquote(t.group(1)));
      if (t.group(2) != null) {
        aliases.put(unquote(t.group(2)), unquote(t.group(1)));
      }
    }
    Map<Integer, List<String>> values = new HashMap<>();
    Matcher m = PARAM.matcher(sql);
    while (m.find()) {
      int n = Integer.parseInt(m.group(1));
      if (!values.containsKey(n)) {
        values.put(n, valuesFor(c, sql, m.start(), m.end(), aliases, samples));
      }
    }
    List<String> out = new ArrayList<>();
    int variants = values.isEmpty() ? 1 : VARIANTS;
    for (int v = 0; v < variants; v++) {
      StringBuilder b = new StringBuilder();
      Matcher r = PARAM.matcher(sql);
      while (r.find()) {
        List<String> choices = values.get(Integer.parseInt(r.group(1)));
        r.appendReplacement(b, Matcher.quoteReplacement(choices.get(random.nextInt(choices.size()))));
      }
      r.appendTail(b);
      out.add(b.toString());
    }
    return out;
  }

  /** Literal values for the parameter at [start, end): from its column's rows, or a fixed value by position. */
  private static List<String> valuesFor(Connection c, String sql, int start, int end, Map<String, String> aliases,
      Map<String, List<String>> samples) throws Unresolved {
    String before = sql.substring(0, start);
    String after = sql.substring(end);
    String lower = before.toLowerCase(Locale.ROOT).stripTrailing();
    if (lower.endsWith("limit")) {
      return List.of("10");
    }
    if (lower.endsWith("offset")) {
      return List.of("0");
    }
    if (lower.endsWith("+") || lower.endsWith("-") || lower.endsWith("*")) {
      return List.of("1");
    }
    Matcher col = COLUMN_BEFORE.matcher(before);
    if (!col.find()) {
      col = IN_LIST.matcher(before);
      if (!col.find()) {
        col = COLUMN_AFTER.matcher(after);
        if (!col.find()) {
          throw new Unresolved("parameter " + sql.substring(start, end) + " is not compared with a column");
        }
      }
    }
    String qualifier = col.group(1) == null ? null : unquote(col.group(1));
    String column = unquote(col.group(2));
    List<String> tables = qualifier != null && aliases.containsKey(qualifier) ? List.of(aliases.get(qualifier))
        : List.copyOf(new java.util.LinkedHashSet<>(aliases.values()));
    for (String table : tables) {
      List<String> found = samples.computeIfAbsent(table + "\u0000" + column, k -> sample(c, table, column));
      if (!found.isEmpty()) {
        return found;
      }
    }
    throw new Unresolved("no rows to draw " + column + " from (in " + String.join(", ", tables) + ")");
  }

  /** Up to 50 distinct values of a column, as SQL literals, from a sample of the table's rows. */
  private static List<String> sample(Connection c, String table, String column) {
    String relation = table.contains(".") ? Identifiers.qualified(table) : Identifiers.quote(table);
    List<String> out = new ArrayList<>();
    try (Statement s = c.createStatement()) {
      double rows;
      try (ResultSet rs = s.executeQuery("SELECT greatest(reltuples, 1) FROM pg_class WHERE oid = to_regclass("
          + Identifiers.literal(relation) + ")")) {
        if (!rs.next()) {
          return out;
        }
        rows = rs.getDouble(1);
      }
      double percent = Math.min(100.0, 100.0 * 2000 / rows);
      try (ResultSet rs = s.executeQuery("SELECT DISTINCT " + Identifiers.quote(column) + "::text FROM " + relation
          + " TABLESAMPLE BERNOULLI (" + String.format(Locale.ROOT, "%.6f", percent) + ") REPEATABLE (1)"
          + " WHERE " + Identifiers.quote(column) + " IS NOT NULL LIMIT 50")) {
        while (rs.next()) {
          out.add(Identifiers.literal(rs.getString(1)));
        }
      }
    } catch (SQLException e) {
      // not a column of this table (or not readable): the caller tries the next table
      try {
        if (!c.getAutoCommit()) {
          c.rollback();
        }
      } catch (SQLException ignored) {
        // the connection is reported broken by the next statement
      }
    }
    return out;
  }

  private static String unquote(String name) {
    return name.replace("\"", "");
  }

  private static String shorten(String sql) {
    String s = sql.replaceAll("\\s+", " ");
    return s.length() <= 80 ? s : s.substring(0, 77) + "...";
  }

  /** A parameter whose values cannot be found. */
  private static final class Unresolved extends Exception {
    private static final long serialVersionUID = 1L;

    Unresolved(String message) {
      super(message, null, false, false);
    }
  }
}
