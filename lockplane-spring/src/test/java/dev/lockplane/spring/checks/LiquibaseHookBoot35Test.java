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
import dev.lockplane.trace.liquibase.LockplaneSpringLiquibaseHook;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration;
import org.springframework.boot.autoconfigure.liquibase.LiquibaseAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The Liquibase hook as a bean of a Spring Boot 3.5 application: it gives the SpringLiquibase that
 * Boot's Liquibase auto-configuration makes Lockplane's listener, so a dangerous change set stops
 * the application before it commits, with the finding in the failure, and safe ones start it.
 */
class LiquibaseHookBoot35Test {
  /** Where the hook writes its report: a bean post-processor is made before the environment's beans. */
  static volatile Path report;

  /** The application: its data source and Liquibase from Boot, and the hook as a bean. */
  @Configuration(proxyBeanMethods = false)
  @ImportAutoConfiguration({DataSourceAutoConfiguration.class, LiquibaseAutoConfiguration.class})
  static class MigratingApplication {
    @Bean
    static LockplaneSpringLiquibaseHook lockplaneLiquibase() {
      return LockplaneSpringLiquibaseHook.of(TracePolicy.builder()
          .failAt(RiskClass.DANGEROUS)
          .reportTo(report, ReportFormat.MARKDOWN)
          .build());
    }
  }

  private static ConfigurableApplicationContext start(ScratchDatabase db, String changelog) {
    List<String> args = db.dataSourceArguments();
    args.add("--spring.flyway.enabled=false");
    args.add("--spring.liquibase.change-log=classpath:db/checks/" + changelog);
    return new SpringApplicationBuilder(MigratingApplication.class).web(WebApplicationType.NONE)
        .run(args.toArray(String[]::new));
  }

  @Test
  void aDangerousChangeSetStopsTheApplicationBeforeItCommits(@TempDir Path dir) throws Exception {
    report = dir.resolve("trace.md");
    try (ScratchDatabase db = new ScratchDatabase("boot35")) {
      Throwable thrown = catchThrowable(() -> start(db, "liquibase-dangerous.yaml").close());

      LockplaneException cause = ScratchDatabase.lockplaneCause(thrown);
      assertThat(cause.code()).isEqualTo(ErrorCode.UNSAFE_CHANGE);
      assertThat(cause.getMessage()).contains("liquibase-dangerous.yaml", "widen", "column-type-rewrite", "[DANGEROUS]");
      // rolled back: the column keeps its type, and only the first change set is recorded
      assertThat(db.query("SELECT data_type FROM information_schema.columns WHERE table_name = 'orders' AND column_name = 'amount'"))
          .isEqualTo("integer");
      assertThat(db.query("SELECT string_agg(id, ',' ORDER BY orderexecuted) FROM databasechangelog")).isEqualTo("orders");
      assertThat(Files.readString(report)).contains("column-type-rewrite");
    }
  }

  @Test
  void safeChangeSetsStartTheApplicationAndLeaveAReport(@TempDir Path dir) throws Exception {
    report = dir.resolve("trace.md");
    try (ScratchDatabase db = new ScratchDatabase("boot35");
        ConfigurableApplicationContext app = start(db, "liquibase-safe.yaml")) {
      LockplaneSpringLiquibaseHook hook = app.getBean(LockplaneSpringLiquibaseHook.class);
      assertThat(hook.report().orElseThrow().statements()).extracting(TracedStatement::sql)
          .anySatisfy(sql -> assertThat(sql).containsIgnoringCase("ADD note TEXT"));
      assertThat(db.query("SELECT string_agg(id, ',' ORDER BY orderexecuted) FROM databasechangelog")).isEqualTo("orders,note");
      assertThat(Files.readString(report)).contains("orders");
    }
  }
}
