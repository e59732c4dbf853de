package dev.lockplane.docs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import dev.lockplane.internal.sql.Identifiers;
import dev.lockplane.postgres.LocalPostgres;
import dev.lockplane.testing.SharedPostgres;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Events;

/**
 * Runs a compiled example. A fragment is run with its givens filled in by type from the shared
 * embedded server ({@code LocalPostgres}: the server; {@code DataSource}, {@code Connection}: a
 * fresh empty database on it). A class with {@code @Test} methods is run by the Jupiter engine and
 * every one of its tests must pass; a class with a {@code main} method has it called.
 */
final class ExampleRunner {
  private static final AtomicInteger DATABASES = new AtomicInteger();

  private ExampleRunner() {}

  /** Runs {@code unit}'s class, loaded by {@code loader}; fails the calling test if the example fails. */
  static void run(ExampleSource unit, ClassLoader loader) throws Throwable {
    Class<?> type = Class.forName(unit.qualifiedName(), true, loader);
    if (unit.fragment()) {
      runFragment(unit, type);
    } else if (hasTests(type)) {
      Events tests = EngineTestKit.engine("junit-jupiter").selectors(selectClass(type)).execute().testEvents();
      String failures = tests.failed().stream()
          .map(e -> e.getTestDescriptor().getDisplayName() + ": "
              + e.getPayload(org.junit.platform.engine.TestExecutionResult.class)
                  .flatMap(org.junit.platform.engine.TestExecutionResult::getThrowable)
                  .map(Throwable::toString).orElse("failed"))
          .collect(Collectors.joining("\n"));
      assertThat(failures).as("failed tests of the example at %s", unit.example().where()).isEmpty();
      assertThat(tests.succeeded().count())
          .as("tests of the example at %s that passed (skipped: %s)", unit.example().where(), tests.skipped().count())
          .isPositive();
    } else {
      Method main = type.getDeclaredMethod("main", String[].class);
      main.setAccessible(true);
      invoke(main, null, (Object) new String[0]);
    }
  }

  private static boolean hasTests(Class<?> type) {
    for (Method m : type.getDeclaredMethods()) {
      if (m.isAnnotationPresent(Test.class)) {
        return true;
      }
    }
    return false;
  }

  private static void runFragment(ExampleSource unit, Class<?> type) throws Throwable {
    Object instance = type.getDeclaredConstructor().newInstance();
    List<AutoCloseable> cleanup = new ArrayList<>();
    String database = null;
    try {
      for (Field f : type.getDeclaredFields()) {
        if (Modifier.isStatic(f.getModifiers())) {
          continue;
        }
        Class<?> t = f.getType();
        Object value;
        if (t == LocalPostgres.class) {
          value = SharedPostgres.get();
        } else if (t == DataSource.class || t == Connection.class) {
          if (database == null) {
            database = createDatabase();
          }
          DataSource ds = SharedPostgres.get().dataSource(database);
          if (t == DataSource.class) {
            value = ds;
          } else {
            Connection c = ds.getConnection();
            cleanup.add(c);
            value = c;
          }
        } else {
          throw new AssertionError(unit.example().where() + ": a run example cannot be given a "
              + t.getSimpleName() + " (" + f.getName() + "); give it LocalPostgres, DataSource or Connection, "
              + "or mark it <!-- example: compile -->");
        }
        f.setAccessible(true);
        f.set(instance, value);
      }
      Method example = type.getDeclaredMethod(ExampleSource.FRAGMENT_METHOD);
      invoke(example, instance);
    } finally {
      for (int i = cleanup.size() - 1; i >= 0; i--) {
        cleanup.get(i).close();
      }
      if (database != null) {
        dropDatabase(database);
      }
    }
  }

  private static void invoke(Method m, Object target, Object... args) throws Throwable {
    try {
      m.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }

  private static String createDatabase() throws Exception {
    String name = "example_" + DATABASES.incrementAndGet();
    try (Connection c = SharedPostgres.get().connect("postgres"); Statement s = c.createStatement()) {
      s.execute("DROP DATABASE IF EXISTS " + Identifiers.quote(name) + " WITH (FORCE)");
      s.execute("CREATE DATABASE " + Identifiers.quote(name));
    }
    return name;
  }

  private static void dropDatabase(String name) throws Exception {
    try (Connection c = SharedPostgres.get().connect("postgres"); Statement s = c.createStatement()) {
      s.execute("DROP DATABASE IF EXISTS " + Identifiers.quote(name) + " WITH (FORCE)");
    }
  }
}
