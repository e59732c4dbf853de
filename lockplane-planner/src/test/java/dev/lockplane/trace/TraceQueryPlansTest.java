package dev.lockplane.trace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lockplane.ErrorCode;
import dev.lockplane.LockplaneException;
import dev.lockplane.clone.CloneManager;
import dev.lockplane.clone.Golden;
import dev.lockplane.clone.Script;
import dev.lockplane.clones.CloneManagers;
import dev.lockplane.safety.ReportFormat;
import dev.lockplane.testing.SharedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Query-plan regressions: dropping the index a query uses is reported with both plans and as
 * slower; a query the migration does not touch keeps its plan; a query that needs a dropped column
 * is reported as failing; a query that fails before the migration is refused.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TraceQueryPlansTest {
  @TempDir Path dir;
  private CloneManager clones;

  @BeforeAll
  void golden() {
    String prefix = "tq" + UUID.randomUUID().toString().replace("-", "").substring(0, 6) + "_";
    clones = CloneManagers.databases(SharedPostgres.get()).golden(Golden.fromScripts(List.of(Script.of("o.sql",
        "CREATE TABLE orders (id int PRIMARY KEY, customer int NOT NULL, note text);"
            + "INSERT INTO orders SELECT g, g % 5000, 'order ' || g FROM generate_series(1, 200000) g;"
            + "CREATE INDEX orders_customer_idx ON orders (customer);"
            + "CREATE TABLE customers (id int PRIMARY KEY, name text);"
            + "INSERT INTO customers SELECT g, 'c' || g FROM generate_series(1, 100) g;"))))
        .databasePrefix(prefix).start();
  }

  @AfterAll
  void close() {
    if (clones != null) {
      clones.close();
    }
  }

  @Test
  void droppingTheIndexAQueryUsesIsReportedWithBothPlans() throws IOException {
    Path queries = dir.resolve("queries.sql");
    Files.writeString(queries, "-- name: orders of a customer\nSELECT id FROM orders WHERE customer = 42;\n\n"
        + "-- name: one customer\nSELECT name FROM customers WHERE id = 7;\n"
        + "SELECT note FROM orders WHERE id = 9;\n");
    QueryCheck check = QueryCheck.file(queries);
    assertThat(check.queries()).extracting(QueryCheck.Query::name)
        .containsExactly("orders of a customer", "one customer", "queries.sql:6");

    TraceReport report = trace("DROP INDEX orders_customer_idx;\nALTER TABLE orders DROP COLUMN note;", check);
    String text = report.render(ReportFormat.TEXT);
    System.out.println(text); // kept in the surefire output as a sample
    assertThat(report.queries()).hasSize(3);

    QueryComparison byCustomer = report.queries().get(0);
    assertThat(byCustomer.planChanged()).as(text).isTrue();
    assertThat(byCustomer.before().shape()).as(text).contains("using orders_customer_idx");
    assertThat(byCustomer.after().orElseThrow().shape()).as(text).contains("Seq Scan on orders")
        .doesNotContain("orders_customer_idx");
    assertThat(byCustomer.slower()).as(text).isTrue();
    assertThat(byCustomer.ratio().orElseThrow()).as(text).isGreaterThan(1.5);

    QueryComparison customer = report.queries().get(1);
    assertThat(customer.planChanged()).as(text).isFalse();
    assertThat(customer.error()).isEmpty();

    QueryComparison note = report.queries().get(2);
    assertThat(note.error()).as(text).hasValueSatisfying(e -> assertThat(e).contains("note"));
    assertThat(note.regressed()).isTrue();

    assertThat(report.regressions()).containsExactly(byCustomer, note);
    assertThat(text).contains("orders of a customer:", "plan changed", "SLOWER", "FAILS",
        "1 query slower", "1 query fails after it");
    assertThat(report.render(ReportFormat.JSON)).contains("\"beforePlan\"", "\"afterPlan\"", "\"slower\" : true");
    assertThat(report.render(ReportFormat.MARKDOWN)).contains("#### Queries before and after", "-- before", "-- after");
    assertThat(report.renderHtml()).contains("<h2>Queries before and after</h2>");
    assertThat(clones.list()).isEmpty();
  }

  @Test
  void aSafeMigrationKeepsThePlans() {
    TraceReport report = trace("ALTER TABLE orders ADD COLUMN shipped boolean;",
        QueryCheck.of("SELECT id FROM orders WHERE customer = 42").runs(3));
    assertThat(report.queries()).singleElement().satisfies(q -> {
      assertThat(q.planChanged()).isFalse();
      assertThat(q.regressed()).isFalse();
    });
    assertThat(report.regressions()).isEmpty();
  }

  @Test
  void aQueryThatFailsBeforeTheMigrationIsRefusedAndAnEmptyFileIsBadInput() throws IOException {
    assertThatThrownBy(() -> trace("ALTER TABLE orders ADD COLUMN x int;", QueryCheck.of("SELECT nope FROM orders")))
        .isInstanceOf(LockplaneException.class).hasMessageContaining("Query 'query 1' fails before the migration")
        .satisfies(e -> assertThat(((LockplaneException) e).code()).isEqualTo(ErrorCode.INVALID_INPUT));
    assertThat(clones.list()).isEmpty();
    Path empty = dir.resolve("empty.sql");
    Files.writeString(empty, "-- nothing here\n");
    assertThatThrownBy(() -> QueryCheck.file(empty)).isInstanceOf(LockplaneException.class)
        .hasMessageContaining("holds no SQL statement");
    assertThatThrownBy(() -> QueryCheck.of("SELECT 1").slowerThan(0.9, java.time.Duration.ZERO))
        .hasMessageContaining("slowerThan must be above 1");
  }

  private TraceReport trace(String sql, QueryCheck check) {
    return MigrationTrace.builder().source(new MigrationSource.SqlScripts(List.of(Script.of("V1__change.sql", sql))))
        .on(clones).queries(check).build().run();
  }
}
