package dev.lockplane.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import dev.lockplane.testing.ProductionServer;
import dev.lockplane.testkit.fixtures.SourceFixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;

/**
 * {@code @LockplaneTest(source = ..., isolation = INSTANCE)} naming a server read physically: the
 * configuration says {@code transfer = physical}, the golden is a base backup of a PostgreSQL 15
 * server taken over the replication protocol by a non-superuser role with {@code REPLICATION}, and
 * each test gets an instance clone of it (on a copying store in a temporary directory).
 */
class PhysicalServerSourceTest {
  @TempDir Path tmp;

  @Test
  void aPhysicalServerGoldenNamedInTheConfiguration() throws Exception {
    Path passwordFile = tmp.resolve("repl.password");
    Files.writeString(passwordFile, ProductionServer.PASSWORD + "\n");
    Path store = tmp.resolve("store");
    Files.createDirectories(store);
    // the servers of the clones run as an unprivileged user when the tests run as root
    Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.setPosixFilePermissions(store, PosixFilePermissions.fromString("rwxr-xr-x"));
    try (ProductionServer prod = ProductionServer.start()) {
      prod.exec("postgres", "CREATE TABLE parts (id int PRIMARY KEY, name text NOT NULL)",
          "INSERT INTO parts SELECT g, 'part ' || g FROM generate_series(1, 40) g");
      Map<String, String> params = Map.of(
          "lockplane.storage", store.toString(),
          "junit.jupiter.execution.parallel.enabled", "false",
          "lockplane.golden.prodcopy.url", prod.url("postgres"),
          "lockplane.golden.prodcopy.user", ProductionServer.REPLICATOR,
          "lockplane.golden.prodcopy.password-file", passwordFile.toString(),
          "lockplane.golden.prodcopy.transfer", "physical");
      EngineExecutionResults r = EngineTestKit.engine("junit-jupiter").configurationParameters(params)
          .selectors(selectClass(SourceFixtures.PhysicalCopyOfServer.class))
          .execute();
      assertThat(r.allEvents().failed().stream().map(e -> e.getPayload(TestExecutionResult.class)
          .flatMap(TestExecutionResult::getThrowable).map(Throwable::toString).orElse("?")).toList()).isEmpty();
      r.testEvents().assertStatistics(s -> s.succeeded(2).failed(0));
    }
  }
}
