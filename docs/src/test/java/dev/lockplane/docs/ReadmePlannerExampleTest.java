package dev.lockplane.docs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lockplane.plan.Plan;
import dev.lockplane.planner.Desired;
import dev.lockplane.planner.Lockplane;
import dev.lockplane.planner.Planner;
import dev.lockplane.postgres.LocalPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's "Schema changes from code" example, compiled and run. */
class ReadmePlannerExampleTest {
  @Test
  void planAndApply(@TempDir Path tmp) throws Exception {
    Path schema = Files.createDirectories(tmp.resolve("schema"));
    Files.writeString(schema.resolve("orders.sql"),
        "CREATE TABLE orders (id bigint PRIMARY KEY, total numeric(12,2) NOT NULL, note text);\n");
    try (LocalPostgres pg = LocalPostgres.builder().start()) {
      DataSource dataSource = pg.dataSource("postgres");
      try (Connection c = dataSource.getConnection()) {
        c.createStatement().execute("CREATE TABLE orders (id bigint PRIMARY KEY, total numeric(12,2) NOT NULL)");
      }
      Planner planner = Lockplane.planner().lockTimeout(Duration.ofSeconds(2)).build();
      Plan plan = planner.plan(dataSource, Desired.sqlFiles(schema));
      assertThat(plan.toText()).contains("note");
      planner.apply(plan, dataSource);
      assertThat(planner.plan(dataSource, Desired.sqlFiles(schema)).steps()).isEmpty();
    }
  }
}
