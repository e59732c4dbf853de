package dev.lockplane.trace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lockplane.ErrorCode;
import dev.lockplane.LockplaneException;
import dev.lockplane.clone.CloneManager;
import dev.lockplane.clone.Golden;
import dev.lockplane.clone.Script;
import dev.lockplane.clones.CloneManagers;
import dev.lockplane.postgres.LocalPostgres;
import dev.lockplane.safety.ReportFormat;
import dev.lockplane.testing.SharedPostgres;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A workload read from the target's own {@code pg_stat_statements}: the most frequent statements,
 * their parameters filled with sampled values, replayed beside a migration; a database without the
 * extension gets a message saying how to add it.
 */
class TraceStatementsWorkloadTest {

  @Test
  void theTargetsOwnStatementsAreReplayedWithSampledParameters() throws Exception {
    try (LocalPostgres pg = LocalPostgres.builder().setting("shared_preload_libraries", "pg_stat_statements").start()) {
      try (Connection c = pg.connect("postgres"); Statement s = c.createStatement()) {
        s.execute("CREATE DATABASE shop");
      }
      Workload w;
      try (Connection c = pg.connect("shop"); Statement s = c.createStatement()) {
        s.execute("CREATE EXTENSION pg_stat_statements");
        s.execute("CREATE TABLE customers (id int PRIMARY KEY, email text NOT NULL)");
        s.execute("CREATE TABLE orders (id int PRIMARY KEY, customer int REFERENCES customers, amount int)");
        s.execute("INSERT INTO customers SELECT g, 'c' || g || '@example.com' FROM generate_series(1, 300) g");
        s.execute("INSERT INTO orders SELECT g, 1 + g % 300, g FROM generate_series(1, 3000) g");
        s.execute("SELECT pg_stat_statements_reset()");
        // the application's traffic: prepared statements, as pgjdbc sends them
        try (PreparedStatement byId = c.prepareStatement("SELECT amount FROM orders WHERE id = ?");
            PreparedStatement join = c.prepareStatement("SELECT o.id FROM orders o JOIN customers c ON c.id = o.customer"
                + " WHERE c.email = ? ORDER BY o.id LIMIT ?");
            PreparedStatement pay = c.prepareStatement("UPDATE orders SET amount = amount + ? WHERE id = ?");
            PreparedStatement add = c.prepareStatement("INSERT INTO orders VALUES (?, 1, 1)");
            PreparedStatement odd = c.prepareStatement("SELECT ?::int + 1")) {
          for (int i = 1; i <= 40; i++) {
            byId.setInt(1, i);
            byId.executeQuery().close();
            join.setString(1, "c" + i + "@example.com");
            join.setInt(2, 5);
            join.executeQuery().close();
            if (i % 2 == 0) {
              pay.setInt(1, 1);
              pay.setInt(2, i);
              pay.executeUpdate();
            }
            if (i % 4 == 0) {
              add.setInt(1, 10_000 + i);
              add.executeUpdate();
              odd.setInt(1, i);
              odd.executeQuery().close();
            }
          }
        }
        List<String> skipped = new ArrayList<>();
        w = Workload.topStatements(c, 10, 100, skipped::add);
        List<String> sql = w.queries().stream().map(Workload.Query::sql).toList();
        assertThat(sql).as("%s / %s", sql, skipped).anyMatch(q -> q.matches("SELECT amount FROM orders WHERE id = '\\d+'"));
        assertThat(sql).anyMatch(q -> q.matches("(?s).*WHERE c.email = 'c\\d+@example.com' ORDER BY o.id LIMIT 10"));
        assertThat(sql).anyMatch(q -> q.matches("UPDATE orders SET amount = amount \\+ 1 WHERE id = '\\d+'"));
        assertThat(sql).noneMatch(q -> q.contains("$"));
        assertThat(skipped).anyMatch(k -> k.startsWith("INSERT INTO orders") && k.contains("only SELECT, UPDATE"));
        assertThat(skipped).anyMatch(k -> k.contains("is not compared with a column"));
        assertThat(w.totalRate()).isCloseTo(100.0, org.assertj.core.data.Offset.offset(1.0));
        // every variant runs as it is
        for (String q : sql) {
          try (Statement s2 = c.createStatement()) {
            c.setAutoCommit(false);
            s2.execute(q);
            c.rollback();
            c.setAutoCommit(true);
          }
        }
      }
      // replayed beside a migration on a clone of the target
      try (CloneManager clones = CloneManagers.databases(pg).golden(Golden.fromDatabase("shop")).databasePrefix("tsw_")
          .start()) {
        TraceReport report = MigrationTrace.builder()
            .source(new MigrationSource.SqlScripts(List.of(Script.of("V1__note.sql",
                "SET lock_timeout = '2s';\nBEGIN;\nALTER TABLE orders ADD COLUMN note text;\nSELECT pg_sleep(1);\nCOMMIT;"))))
            .on(clones).load(w).build().run();
        String text = report.render(ReportFormat.TEXT);
        LoadReport load = report.load().orElseThrow();
        assertThat(load.baselineQueries()).as(text).isGreaterThan(20);
        assertThat(load.waited()).as(text).isPositive();
      }
    }
  }

  @Test
  void aDatabaseWithoutTheExtensionIsToldHowToAddIt() throws Exception {
    try (Connection c = SharedPostgres.get().connect("postgres")) {
      assertThatThrownBy(() -> Workload.topStatements(c, 10, 100, s -> { }))
          .isInstanceOf(LockplaneException.class)
          .satisfies(e -> assertThat(((LockplaneException) e).code()).isEqualTo(ErrorCode.INVALID_INPUT))
          .hasMessageContaining("has no pg_stat_statements")
          .hasMessageContaining("shared_preload_libraries");
    }
  }
}
