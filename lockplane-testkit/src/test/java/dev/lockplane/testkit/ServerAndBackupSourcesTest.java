package dev.lockplane.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import dev.lockplane.backup.BackupRepository;
import dev.lockplane.postgres.LocalPostgres;
import dev.lockplane.testing.ProductionServer;
import dev.lockplane.testing.SharedPostgres;
import dev.lockplane.testkit.fixtures.SourceFixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;

/**
 * {@code @LockplaneTest(source = ...)} naming a server and a backup in the configuration: the
 * golden is a dump of a PostgreSQL 15 server read by a role with a password (kept in a file), and a
 * logical backup of it in a repository.
 */
class ServerAndBackupSourcesTest {
  @TempDir Path tmp;

  @Test
  void goldensOfAServerAndOfABackupNamedInTheConfiguration() throws Exception {
    LocalPostgres pg = SharedPostgres.get();
    Path repoDir = tmp.resolve("repo");
    Path passwordFile = tmp.resolve("prod.password");
    Files.writeString(passwordFile, ProductionServer.PASSWORD + "\n");
    try (ProductionServer prod = ProductionServer.start()) {
      prod.exec("postgres", "CREATE DATABASE shop");
      prod.exec("shop", "CREATE TABLE items (id int PRIMARY KEY)", "INSERT INTO items SELECT generate_series(1, 5)",
          "GRANT SELECT ON items TO " + ProductionServer.READER);
      try (BackupRepository repo = BackupRepository.at(repoDir).unencrypted().open()) {
        repo.backup().logical(prod.server(), "shop").run();
      }
      prod.exec("shop", "INSERT INTO items SELECT generate_series(6, 12)");
      Map<String, String> params = new HashMap<>(Map.of(
          "lockplane.jdbcUrl", pg.jdbcUrl("postgres"),
          "lockplane.user", pg.user(),
          "lockplane.password", pg.password(),
          "junit.jupiter.execution.parallel.enabled", "false"));
      params.put("lockplane.golden.prod.url", prod.url("shop"));
      params.put("lockplane.golden.prod.user", ProductionServer.READER);
      params.put("lockplane.golden.prod.password-file", passwordFile.toString());
      params.put("lockplane.golden.nightly.backup", repoDir.toString());
      params.put("lockplane.golden.prodsubset.url", prod.url("shop"));
      params.put("lockplane.golden.prodsubset.user", ProductionServer.READER);
      params.put("lockplane.golden.prodsubset.password-file", passwordFile.toString());
      params.put("lockplane.golden.prodsubset.subset", "classpath:subsets/items.json");
      EngineExecutionResults r = EngineTestKit.engine("junit-jupiter").configurationParameters(params)
          .selectors(selectClass(SourceFixtures.FromServer.class), selectClass(SourceFixtures.FromBackup.class),
              selectClass(SourceFixtures.SubsetOfServer.class))
          .execute();
      assertThat(r.allEvents().failed().stream().map(e -> e.getPayload(TestExecutionResult.class)
          .flatMap(TestExecutionResult::getThrowable).map(Throwable::toString).orElse("?")).toList()).isEmpty();
      r.testEvents().assertStatistics(s -> s.succeeded(4).failed(0));
    }
  }
}
