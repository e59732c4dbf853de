package dev.lockplane.trace;

import dev.lockplane.clone.Script;
import dev.lockplane.plan.Plan;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The migration a {@link MigrationTrace} runs.
 *
 * <pre>{@code
 * MigrationSource.sql(Path.of("db/migrate"));                       // files in version order
 * MigrationSource.flyway(List.of("filesystem:db/migration"), Map.of("schema", "app"));
 * MigrationSource.liquibase(Path.of("db/changelog.xml"), List.of());
 * MigrationSource.plan(plan);
 * }</pre>
 */
public sealed interface MigrationSource {
  /** Returns a one-line description for reports. */
  String describe();

  /**
   * Plain SQL scripts, run as {@code psql} runs a file: each statement on its own unless the script
   * opens a transaction with {@code BEGIN}.
   *
   * @param scripts the scripts, in order
   */
  record SqlScripts(List<Script> scripts) implements MigrationSource {
    /** Copies the scripts. */
    public SqlScripts {
      scripts = List.copyOf(scripts);
      if (scripts.isEmpty()) {
        throw new IllegalArgumentException("no SQL scripts to trace");
      }
    }

    @Override
    public String describe() {
      return "SQL " + String.join(", ", scripts.stream().map(Script::name).toList());
    }
  }

  /**
   * The pending migrations of Flyway locations, ordered and with placeholders replaced by Flyway
   * itself, run the way Flyway runs them (each in a transaction unless it cannot be).
   *
   * @param locations Flyway locations such as {@code filesystem:db/migration} or {@code classpath:db/migration}
   * @param placeholders Flyway placeholders
   */
  record Flyway(List<String> locations, Map<String, String> placeholders) implements MigrationSource {
    /** Copies the components. */
    public Flyway {
      locations = List.copyOf(locations);
      placeholders = Map.copyOf(placeholders);
      if (locations.isEmpty()) {
        throw new IllegalArgumentException("no Flyway location to trace");
      }
    }

    @Override
    public String describe() {
      return "Flyway " + String.join(", ", locations);
    }
  }

  /**
   * The pending change sets of a Liquibase changelog, with the SQL Liquibase itself generates for
   * PostgreSQL, run the way Liquibase runs them.
   *
   * @param changelog the changelog file (XML, YAML, JSON or formatted SQL); files it includes are
   *     resolved from its directory
   * @param contexts Liquibase contexts; empty for all
   */
  record Liquibase(Path changelog, List<String> contexts) implements MigrationSource {
    /** Copies the components. */
    public Liquibase {
      Objects.requireNonNull(changelog, "changelog");
      contexts = List.copyOf(contexts);
    }

    @Override
    public String describe() {
      return "Liquibase " + changelog;
    }
  }

  /**
   * The forward steps of a declarative plan, run as apply runs them: with {@code lock_timeout} set,
   * each in its own transaction where PostgreSQL allows it.
   *
   * @param plan the plan; its source schema should be the clone's
   * @param lockTimeout the {@code lock_timeout} apply would set (the planner's, 5 s by default)
   */
  record PlanSteps(Plan plan, Duration lockTimeout) implements MigrationSource {
    /** Validates the components. */
    public PlanSteps {
      Objects.requireNonNull(plan, "plan");
      Objects.requireNonNull(lockTimeout, "lockTimeout");
      if (lockTimeout.isNegative()) {
        throw new IllegalArgumentException("lockTimeout must not be negative: " + lockTimeout);
      }
    }

    @Override
    public String describe() {
      return "plan of " + plan.steps().size() + " steps";
    }
  }

  /**
   * SQL files: each path is a file or a directory whose {@code .sql} files are taken in version order
   * ({@link Script#files(Path)}).
   *
   * @param paths files or directories
   * @return the source
   */
  static MigrationSource sql(Path... paths) {
    List<Script> all = new ArrayList<>();
    for (Path p : paths) {
      all.addAll(Script.files(p));
    }
    return new SqlScripts(all);
  }

  /**
   * Flyway locations.
   *
   * @param locations such as {@code filesystem:db/migration}
   * @param placeholders placeholders, or an empty map
   * @return the source
   */
  static MigrationSource flyway(List<String> locations, Map<String, String> placeholders) {
    return new Flyway(locations, new TreeMap<>(placeholders));
  }

  /**
   * A Liquibase changelog.
   *
   * @param changelog the changelog file
   * @param contexts contexts, or an empty list for all
   * @return the source
   */
  static MigrationSource liquibase(Path changelog, List<String> contexts) {
    return new Liquibase(changelog, contexts);
  }

  /**
   * A declarative plan, with the {@code lock_timeout} apply sets by default (5 s).
   *
   * @param plan the plan
   * @return the source
   */
  static MigrationSource plan(Plan plan) {
    return new PlanSteps(plan, Duration.ofSeconds(5));
  }
}
