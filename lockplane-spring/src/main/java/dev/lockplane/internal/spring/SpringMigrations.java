package dev.lockplane.internal.spring;

import dev.lockplane.clone.Golden;
import dev.lockplane.spring.AutoConfigureLockplaneDatabase.Migrations;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.EnumerablePropertySource;
import org.springframework.core.env.PropertySource;

/**
 * Reads which migrations the application runs from its Spring Boot properties ({@code
 * spring.flyway.*}, {@code spring.liquibase.*}), as the application itself would — but without
 * the overrides this integration adds to the test's environment.
 */
final class SpringMigrations {
  private static final String FLYWAY = "org.flywaydb.core.Flyway";
  private static final String LIQUIBASE = "liquibase.integration.spring.SpringLiquibase";
  private static final String LIQUIBASE_CORE = "liquibase.command.CommandScope";

  private SpringMigrations() {}

  static Golden golden(Migrations migrations, ConfigurableEnvironment env) {
    return switch (migrations) {
      case NONE -> Golden.empty();
      case FLYWAY -> flyway(env);
      case LIQUIBASE -> liquibase(env);
      case AUTO -> {
        if (present(FLYWAY) && !"false".equalsIgnoreCase(property(env, "spring.flyway.enabled").orElse("true"))) {
          yield flyway(env);
        }
        if ((present(LIQUIBASE) || present(LIQUIBASE_CORE))
            && !"false".equalsIgnoreCase(property(env, "spring.liquibase.enabled").orElse("true"))) {
          yield liquibase(env);
        }
        yield Golden.empty();
      }
    };
  }

  private static Golden flyway(ConfigurableEnvironment env) {
    List<String> locations = list(env, "spring.flyway.locations").orElse(List.of("classpath:db/migration"));
    // Spring Boot's vendor placeholder: the clone is PostgreSQL
    locations = locations.stream().map(l -> l.replace("{vendor}", "postgresql")).toList();
    return new Golden.FromFlyway(locations, prefixed(env, "spring.flyway.placeholders."));
  }

  private static Golden liquibase(ConfigurableEnvironment env) {
    String changelog = property(env, "spring.liquibase.change-log").orElse("classpath:/db/changelog/db.changelog-master.yaml");
    String contexts = property(env, "spring.liquibase.contexts").orElse("");
    return new Golden.FromLiquibase(changelog, contexts, prefixed(env, "spring.liquibase.parameters."));
  }

  private static boolean present(String className) {
    try {
      Class.forName(className, false, Thread.currentThread().getContextClassLoader());
      return true;
    } catch (ClassNotFoundException | LinkageError e) {
      return false;
    }
  }

  /** The property as the application sees it, skipping this integration's overrides and Boot's attached view of all sources. */
  private static Optional<String> property(ConfigurableEnvironment env, String key) {
    for (PropertySource<?> ps : env.getPropertySources()) {
      if (skipped(ps)) {
        continue;
      }
      Object v = ps.getProperty(key);
      if (v != null) {
        return Optional.of(env.resolvePlaceholders(v.toString()).trim());
      }
    }
    return Optional.empty();
  }

  /** A comma-separated list, or an indexed one ({@code key[0]}, {@code key[1]}, ...). */
  private static Optional<List<String>> list(ConfigurableEnvironment env, String key) {
    Optional<String> joined = property(env, key);
    if (joined.isPresent()) {
      return Optional.of(Arrays.stream(joined.get().split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList());
    }
    List<String> out = new ArrayList<>();
    for (int i = 0; ; i++) {
      Optional<String> v = property(env, key + "[" + i + "]");
      if (v.isEmpty()) {
        break;
      }
      out.add(v.get());
    }
    return out.isEmpty() ? Optional.empty() : Optional.of(out);
  }

  private static Map<String, String> prefixed(ConfigurableEnvironment env, String prefix) {
    Map<String, String> out = new TreeMap<>();
    for (PropertySource<?> ps : env.getPropertySources()) {
      if (skipped(ps) || !(ps instanceof EnumerablePropertySource<?> e)) {
        continue;
      }
      for (String name : e.getPropertyNames()) {
        if (name.startsWith(prefix) && name.length() > prefix.length()) {
          // earlier sources take precedence, as in the environment
          out.putIfAbsent(name.substring(prefix.length()), env.resolvePlaceholders(String.valueOf(e.getProperty(name))));
        }
      }
    }
    return out;
  }

  private static boolean skipped(PropertySource<?> ps) {
    return LockplaneContextCustomizer.PROPERTY_SOURCE.equals(ps.getName()) || "configurationProperties".equals(ps.getName());
  }
}
