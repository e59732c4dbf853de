package dev.lockplane.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import dev.lockplane.postgres.LocalPostgres;
import dev.lockplane.testing.ProductionServer;
import dev.lockplane.testing.SharedPostgres;
import dev.lockplane.testkit.fixtures.MaskedFixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;

/**
 * {@code lockplane.golden.NAME.mask=classpath:...}: a golden source named in the configuration is
 * masked by a rules file on the test class path, its key in a file named by {@code .mask-key-file}.
 */
class MaskedSourceTest {
  @TempDir Path tmp;

  @Test
  void aNamedSourceIsMaskedByARulesFileOnTheClassPath() throws Exception {
    LocalPostgres pg = SharedPostgres.get();
    Path passwordFile = tmp.resolve("prod.password");
    Files.writeString(passwordFile, ProductionServer.PASSWORD + "\n");
    Path keyFile = tmp.resolve("mask.key");
    Files.writeString(keyFile, "testkit-mask-key");
    try (ProductionServer prod = ProductionServer.start()) {
      prod.exec("postgres", "CREATE DATABASE crm");
      prod.exec("crm", "CREATE TABLE people (id int PRIMARY KEY, email text NOT NULL)",
          "INSERT INTO people SELECT g, 'p' || g || '@corp.example' FROM generate_series(1, 6) g",
          "GRANT SELECT ON people TO " + ProductionServer.READER);
      Map<String, String> params = new HashMap<>(Map.of(
          "lockplane.jdbcUrl", pg.jdbcUrl("postgres"),
          "lockplane.user", pg.user(),
          "lockplane.password", pg.password(),
          "junit.jupiter.execution.parallel.enabled", "false"));
      params.put("lockplane.golden.masked.url", prod.url("crm"));
      params.put("lockplane.golden.masked.user", ProductionServer.READER);
      params.put("lockplane.golden.masked.password-file", passwordFile.toString());
      params.put("lockplane.golden.masked.mask", "classpath:masking/people.json");
      params.put("lockplane.golden.masked.mask-key-file", keyFile.toString());
      params.put("lockplane.golden.masked.mask-strict", "true");
      EngineExecutionResults r = EngineTestKit.engine("junit-jupiter").configurationParameters(params)
          .selectors(selectClass(MaskedFixtures.FromMaskedServer.class)).execute();
      assertThat(failures(r)).isEmpty();
      r.testEvents().assertStatistics(s -> s.succeeded(1).failed(0));

      // a rules file that is not on the class path fails the class with a message that says so
      params.put("lockplane.golden.masked.mask", "classpath:masking/missing.json");
      EngineExecutionResults missing = EngineTestKit.engine("junit-jupiter").configurationParameters(params)
          .selectors(selectClass(MaskedFixtures.FromMaskedServer.class)).execute();
      assertThat(failures(missing)).anyMatch(f -> f.contains("masking/missing.json") && f.contains("not on the test class path"));
    }
  }

  private static List<String> failures(EngineExecutionResults r) {
    return r.allEvents().failed().stream().map(e -> e.getPayload(TestExecutionResult.class)
        .flatMap(TestExecutionResult::getThrowable).map(Throwable::toString).orElse("?")).toList();
  }
}
