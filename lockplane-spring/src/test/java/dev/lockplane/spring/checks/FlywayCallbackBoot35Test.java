package dev.lockplane.spring.checks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.lockplane.ErrorCode;
import dev.lockplane.LockplaneException;
import dev.lockplane.plan.RiskClass;
import dev.lockplane.safety.ReportFormat;
import dev.lockplane.testing.ScratchDatabase;
import dev.lockplane.trace.TracePolicy;
import dev.lockplane.trace.TracedStatement;
import dev.lockplane.trace.flyway.LockplaneFlywayCallback;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.autoconfigure.flyway.FlywayAutoConfiguration;
import org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * The Flyway callback as a bean of a Spring Boot 3.5 application: Boot's Flyway auto-configuration
 * adds it to the Flyway it runs at start-up, so a dangerous migration stops the application before
 * it commits, with the finding in the failure, and safe migrations start it.
 */
class FlywayCallbackBoot35Test {

  /** The application: its data source and Flyway from Boot, and the callback as a bean. */
  @Configuration(proxyBeanMethods = false)
  @ImportAutoConfiguration({DataSourceAutoConfiguration.class, FlywayAutoConfiguration.class})
  static class MigratingApplication {
    @Bean
    LockplaneFlywayCallback lockplaneFlywayCallback(Environment env) {
      return LockplaneFlywayCallback.of(TracePolicy.builder()
          .failAt(RiskClass.DANGEROUS)
          .reportTo(Path.of(env.getRequiredProperty("test.report")), ReportFormat.MARKDOWN)
          .build());
    }
  }

  private static ConfigurableApplicationContext start(ScratchDatabase db, String location, Path report) {
    List<String> args = db.dataSourceArguments();
    args.add("--spring.flyway.locations=classpath:db/checks/" + location);
    args.add("--test.report=" + report);
    return new SpringApplicationBuilder(MigratingApplication.class).web(WebApplicationType.NONE)
        .run(args.toArray(String[]::new));
  }

  @Test
  void aDangerousMigrationStopsTheApplicationBeforeItCommits(@TempDir Path dir) throws Exception {
    Path report = dir.resolve("trace.md");
    try (ScratchDatabase db = new ScratchDatabase("boot35")) {
      Throwable thrown = catchThrowable(() -> start(db, "flyway-dangerous", report).close());

      LockplaneException cause = ScratchDatabase.lockplaneCause(thrown);
      assertThat(cause.code()).isEqualTo(ErrorCode.UNSAFE_CHANGE);
      assertThat(cause.getMessage()).contains("V2__widen.sql", "column-type-rewrite", "[DANGEROUS]",
          "ALTER TABLE orders ALTER COLUMN amount TYPE bigint");
      // rolled back: the column keeps its type, and Flyway's history has only the first migration
      assertThat(db.query("SELECT data_type FROM information_schema.columns WHERE table_name = 'orders' AND column_name = 'amount'"))
          .isEqualTo("integer");
      assertThat(db.query("SELECT string_agg(version || ':' || success, ',' ORDER BY installed_rank) FROM flyway_schema_history"))
          .isEqualTo("1:true");
      assertThat(Files.readString(report)).contains("column-type-rewrite");
    }
  }

  @Test
  void safeMigrationsStartTheApplicationAndLeaveAReport(@TempDir Path dir) throws Exception {
    Path report = dir.resolve("trace.md");
    try (ScratchDatabase db = new ScratchDatabase("boot35");
        ConfigurableApplicationContext app = start(db, "flyway-safe", report)) {
      LockplaneFlywayCallback callback = app.getBean(LockplaneFlywayCallback.class);
      assertThat(callback.report().orElseThrow().statements()).extracting(TracedStatement::sql)
          .anySatisfy(sql -> assertThat(sql).contains("ADD COLUMN note text"));
      assertThat(db.query("SELECT string_agg(version || ':' || success, ',' ORDER BY installed_rank) FROM flyway_schema_history"))
          .isEqualTo("1:true,2:true");
      assertThat(report).exists();
    }
  }
}
