package dev.lockplane.internal.golden;

import dev.lockplane.ErrorCode;
import dev.lockplane.LockplaneException;
import dev.lockplane.clone.Golden;
import dev.lockplane.clone.GoldenTarget;
import dev.lockplane.internal.sql.JdbcUrls;
import java.time.Instant;
import java.util.Arrays;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.flywaydb.core.api.output.MigrateResult;

/** The part of {@link FlywayLoader} that names Flyway's types; loaded only once Flyway is known to be there. */
final class FlywayRun {
  private FlywayRun() {}

  static Instant migrate(Golden.FromFlyway golden, GoldenTarget target) {
    Flyway flyway = configure(golden)
        .dataSource(target.jdbcUrl(), target.user(), target.password().orElse(null))
        .load();
    Set<String> pending;
    try {
      pending = Arrays.stream(flyway.info().pending()).map(FlywayRun::name).collect(Collectors.toSet());
    } catch (FlywayException e) {
      throw configurationError(golden, target, e);
    }
    try {
      MigrateResult result = flyway.migrate();
      target.progress("Flyway applied " + result.migrationsExecuted + " migrations from " + golden.locations());
      return Instant.now();
    } catch (FlywayException e) {
      MigrationInfo failed = firstStillPending(flyway, pending);
      if (failed == null) {
        throw configurationError(golden, target, e);
      }
      throw new LockplaneException(ErrorCode.SCRIPT_FAILED,
          "Flyway migration " + name(failed) + " (" + failed.getScript() + ") failed while preparing the golden from "
              + golden.describe() + ": " + scrub(e.getMessage(), target)
              + "\nFix the migration; nothing of this golden was kept.", e);
    }
  }

  static String checksums(Golden.FromFlyway golden, DataSource probe) {
    // a schema that does not exist: no history table is found, every migration counts as pending,
    // and nothing is created, since info() only reads
    String schema = "lockplane_probe_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    Flyway flyway = configure(golden).dataSource(probe).schemas(schema).createSchemas(false).skipDefaultCallbacks(true).load();
    try {
      StringBuilder sb = new StringBuilder();
      for (MigrationInfo m : flyway.info().all()) {
        sb.append(m.getType()).append(' ').append(name(m)).append(' ').append(m.getScript()).append(' ')
            .append(m.getChecksum()).append('\n');
      }
      return sb.toString();
    } catch (FlywayException e) {
      throw new LockplaneException(ErrorCode.INVALID_CONFIGURATION,
          "Flyway cannot read the migrations of " + golden.describe() + ": " + JdbcUrls.redact(e.getMessage())
              + "\nCheck the locations (classpath:... or filesystem:...).", e);
    }
  }

  private static FluentConfiguration configure(Golden.FromFlyway golden) {
    ClassLoader cl = Thread.currentThread().getContextClassLoader();
    FluentConfiguration c = cl == null ? Flyway.configure() : Flyway.configure(cl);
    return c.locations(golden.locations().toArray(String[]::new))
        .placeholders(golden.placeholders())
        .failOnMissingLocations(true);
  }

  /** The first migration that was pending before the run and still is: the one that failed. */
  private static MigrationInfo firstStillPending(Flyway flyway, Set<String> before) {
    try {
      for (MigrationInfo m : flyway.info().pending()) {
        if (before.contains(name(m))) {
          return m;
        }
      }
    } catch (FlywayException ignored) {
      // the failure itself is reported; the name is a courtesy
    }
    return null;
  }

  private static String name(MigrationInfo m) {
    return m.getVersion() == null ? "R " + m.getDescription() : "V" + m.getVersion().getVersion();
  }

  private static LockplaneException configurationError(Golden.FromFlyway golden, GoldenTarget target, FlywayException e) {
    return new LockplaneException(ErrorCode.INVALID_CONFIGURATION,
        "Flyway cannot prepare the golden from " + golden.describe() + ": " + scrub(e.getMessage(), target)
            + "\nCheck the locations (classpath:... or filesystem:...) and placeholders.", e);
  }

  private static String scrub(String message, GoldenTarget target) {
    String m = JdbcUrls.redact(message == null ? "" : message);
    String pw = target.password().orElse("");
    return pw.isEmpty() ? m : m.replace(pw, "***");
  }
}
