package dev.lockplane.internal.mask;

import dev.lockplane.ErrorCode;
import dev.lockplane.LockplaneException;
import dev.lockplane.clone.GoldenTarget;
import dev.lockplane.golden.MaskRule;
import dev.lockplane.golden.MaskedColumn;
import dev.lockplane.golden.Masking;
import dev.lockplane.golden.MaskingKey;
import dev.lockplane.golden.MaskingReport;
import dev.lockplane.internal.clone.Secrets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Masks a golden being built, in place: checks the rules against its schema, rewrites the masked
 * columns table by table in parallel, then leaves no original value in the database's files
 * (see {@link Scrubber}).
 */
public final class Masker {
  /** At most this many tables are masked at once. */
  private static final int MAX_PARALLEL = 4;

  private Masker() {}

  /**
   * Masks the target database in place.
   *
   * @param masking the rules
   * @param target the golden being built (a logical target)
   * @return what was done
   * @throws LockplaneException with {@link ErrorCode#INVALID_CONFIGURATION} naming each rule that
   *     cannot run, or the unmasked personal-looking columns in strict mode; nothing is written then
   */
  public static MaskingReport mask(Masking masking, GoldenTarget target) {
    long started = System.nanoTime();
    String key = masking.key().map(MaskingKey::secret).orElse("");
    try (Connection c = connect(target, key, masking.seed())) {
      requireSuperuser(c, target);
      MaskSchema schema = MaskSchema.read(c);
      List<String> problems = RuleCheck.problems(masking, schema, c);
      if (!problems.isEmpty()) {
        throw new LockplaneException(ErrorCode.INVALID_CONFIGURATION, "The masking rules do not fit the golden's schema;"
            + " nothing was masked. Fix the rules:\n  " + String.join("\n  ", problems));
      }
      List<String> unmasked = RuleCheck.unmasked(masking, schema);
      if (masking.strict() && !unmasked.isEmpty()) {
        throw new LockplaneException(ErrorCode.INVALID_CONFIGURATION, "Strict masking refuses to prepare the golden: "
            + unmasked.size() + " column(s) look personal and have no rule: " + String.join(", ", unmasked)
            + ". Give each a rule (keep, if it is not personal after all).");
      }
      Map<String, List<Map.Entry<MaskedColumn, MaskRule>>> byTable = new TreeMap<>();
      Map<String, String> applied = new TreeMap<>();
      masking.rules().forEach((col, rule) -> {
        applied.put(col.toString(), rule.describe());
        if (!(rule instanceof MaskRule.Keep)) {
          byTable.computeIfAbsent(col.qualifiedTable(), t -> new ArrayList<>()).add(Map.entry(col, rule));
        }
      });
      Map<String, Long> rows = maskTables(masking, target, key, schema, byTable);
      target.progress("masking: removing the original values from the golden's files");
      Scrubber.scrub(c, byTable.keySet());
      MaskingReport report = new MaskingReport(applied, rows, Duration.ofNanos(System.nanoTime() - started), unmasked);
      target.progress("masked " + rows.size() + " table(s), " + applied.size() + " rule(s)"
          + (unmasked.isEmpty() ? "" : "; " + unmasked.size() + " column(s) look personal and have no rule: "
              + String.join(", ", unmasked)));
      return report;
    } catch (SQLException e) {
      throw new LockplaneException(ErrorCode.DATABASE_ERROR, "Cannot mask the golden being built in database "
          + target.database() + ": " + scrub(e.getMessage(), key, target), e);
    }
  }

  private static Map<String, Long> maskTables(Masking masking, GoldenTarget target, String key, MaskSchema schema,
      Map<String, List<Map.Entry<MaskedColumn, MaskRule>>> byTable) throws SQLException {
    Map<String, Long> rows = new TreeMap<>();
    if (byTable.isEmpty()) {
      return rows;
    }
    ExecutorService pool = Executors.newFixedThreadPool(Math.min(MAX_PARALLEL, byTable.size()), r -> {
      Thread t = new Thread(r, "lockplane-mask");
      t.setDaemon(true);
      return t;
    });
    try {
      Map<String, Future<Long>> running = new LinkedHashMap<>();
      byTable.forEach((table, rules) -> running.put(table, pool.submit(() -> {
        try (Connection tc = connect(target, key, masking.seed())) {
          long n = TableMasker.mask(tc, schema, rules);
          target.progress("masked " + table + ": " + n + " rows");
          return n;
        }
      })));
      collect(running, rows, key, target);
      // only once every UPDATE has committed: a rewrite keeps what a running transaction may see
      Map<String, Future<Long>> rewriting = new LinkedHashMap<>();
      byTable.forEach((table, rules) -> rewriting.put(table, pool.submit(() -> {
        try (Connection tc = connect(target, key, masking.seed())) {
          TableMasker.rewrite(tc, rules.get(0).getKey().schema(), rules.get(0).getKey().table());
          return 0L;
        }
      })));
      collect(rewriting, new TreeMap<>(), key, target);
    } finally {
      pool.shutdownNow();
    }
    return rows;
  }

  private static void collect(Map<String, Future<Long>> running, Map<String, Long> results, String key,
      GoldenTarget target) {
    for (Map.Entry<String, Future<Long>> e : running.entrySet()) {
      try {
        results.put(e.getKey(), e.getValue().get());
      } catch (ExecutionException ex) {
        running.values().forEach(f -> f.cancel(true));
        Throwable cause = ex.getCause();
        if (cause instanceof SQLException sql) {
          throw new LockplaneException(ErrorCode.DATABASE_ERROR, "Cannot mask table " + e.getKey() + " of the golden"
              + " being built: " + scrub(sql.getMessage(), key, target), sql);
        }
        throw cause instanceof RuntimeException re ? re : new IllegalStateException(cause);
      } catch (InterruptedException ex) {
        Thread.currentThread().interrupt();
        throw new LockplaneException(ErrorCode.DATABASE_ERROR, "Interrupted while masking table " + e.getKey(), ex);
      }
    }
  }

  /** Opens a masking session: the key as a session setting (bound, never in SQL text) and the functions. */
  static Connection connect(GoldenTarget target, String key, long seed) throws SQLException {
    Properties p = new Properties();
    p.setProperty("user", target.user());
    target.password().ifPresent(pw -> p.setProperty("password", pw));
    p.setProperty("ApplicationName", "lockplane-mask");
    Connection c = DriverManager.getConnection(target.jdbcUrl(), p);
    try {
      c.setAutoCommit(true);
      try (PreparedStatement ps = c.prepareStatement("SELECT set_config('" + MaskSql.KEY_SETTING + "', ?, false)")) {
        ps.setString(1, key);
        ps.execute();
      }
      try (Statement s = c.createStatement()) {
        // foreign keys and user triggers stay quiet while keys are rewritten table by table
        s.execute("SET session_replication_role = replica");
        for (String f : MaskSql.functions(seed)) {
          s.execute(f);
        }
      }
      return c;
    } catch (SQLException | RuntimeException e) {
      c.close();
      throw e;
    }
  }

  private static void requireSuperuser(Connection c, GoldenTarget target) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")) {
      if (!rs.next() || !rs.getBoolean(1)) {
        throw new LockplaneException(ErrorCode.UNSUPPORTED, "Masking needs a superuser on the golden's server, to"
            + " rewrite keys with foreign key triggers off and to purge the statistics that hold original values;"
            + " role " + target.user() + " is not one. Prepare masked goldens with a superuser connection.");
      }
    }
  }

  private static String scrub(String message, String key, GoldenTarget target) {
    String m = Secrets.scrub(message, target.password().orElse(null));
    return key.isEmpty() || m == null ? m : m.replace(key, "****");
  }
}
