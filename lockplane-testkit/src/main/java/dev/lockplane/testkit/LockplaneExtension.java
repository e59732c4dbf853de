package dev.lockplane.testkit;

import dev.lockplane.clone.Clone;
import dev.lockplane.internal.testkit.Resources;
import dev.lockplane.internal.testkit.Settings;
import dev.lockplane.internal.testkit.TestTransaction;
import dev.lockplane.internal.testkit.TransactionModeException;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Parameter;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import javax.sql.DataSource;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * The extension behind {@link LockplaneTest}. It keeps no state of its own: the server, the golden's
 * manager and pool, and each test's clone live in JUnit's {@link ExtensionContext.Store}s and are
 * closed by them — the clone after its test, the rest at the end of the run.
 */
public final class LockplaneExtension
    implements BeforeAllCallback, BeforeEachCallback, AfterEachCallback, ParameterResolver, TestExecutionExceptionHandler {
  private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(LockplaneExtension.class);
  private static final Set<Class<?>> INJECTABLE = Set.of(DataSource.class, Connection.class, Jdbi.class, Clone.class);
  private static final String SUPPORTED =
      "DataSource, Connection, Jdbi, Clone, or a String annotated @JdbcUrl";

  /** Creates the extension; JUnit does this. */
  public LockplaneExtension() {}

  @Override
  public void beforeAll(ExtensionContext context) {
    Settings settings = settings(context);
    Class<?> type = context.getRequiredTestClass();
    for (Field f : injectedFields(type)) {
      check(f);
    }
    boolean hasStatic = injectedFields(type).stream().anyMatch(f -> Modifier.isStatic(f.getModifiers()));
    if (hasStatic && settings.isolation() == Isolation.TRANSACTION) {
      Field f = injectedFields(type).stream().filter(x -> Modifier.isStatic(x.getModifiers())).findFirst().orElseThrow();
      throw new ExtensionConfigurationException("Static field " + f + " would share one clone across tests, but"
          + " isolation = TRANSACTION gives each test its own transaction: make the field non-static, or use isolation = DATABASE.");
    }
    if (hasStatic) {
      Resources.TestClone shared = classClone(context, settings);
      for (Field f : injectedFields(type)) {
        if (Modifier.isStatic(f.getModifiers())) {
          set(f, null, value(f.getType(), f.isAnnotationPresent(JdbcUrl.class), shared, f.toString()));
        }
      }
    }
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    long t0 = System.nanoTime();
    try {
      inject(context);
    } finally {
      timeBeforeBody(context, t0);
    }
  }

  /** Adds the time since {@code t0} to the test's clone's handout timing, if the test has a clone. */
  private static void timeBeforeBody(ExtensionContext context, long t0) {
    Resources.TestClone tc = context.getTestMethod().isPresent() ? context.getStore(NS).get("clone", Resources.TestClone.class) : null;
    if (tc != null) {
      tc.addBeforeBody(System.nanoTime() - t0);
    }
  }

  private void inject(ExtensionContext context) {
    Settings settings = settings(context);
    Method m = context.getRequiredTestMethod();
    for (Parameter p : m.getParameters()) {
      boolean ours = p.isAnnotationPresent(TestDatabase.class) || p.isAnnotationPresent(JdbcUrl.class);
      if (ours && !supported(p.getType(), p.isAnnotationPresent(JdbcUrl.class))) {
        throw new ExtensionConfigurationException(
            "Parameter '" + p.getName() + "' of " + m + " has type " + p.getType().getName()
                + ", which Lockplane cannot inject; use " + SUPPORTED + ".");
      }
    }
    for (Object instance : context.getRequiredTestInstances().getAllInstances()) {
      for (Field f : injectedFields(instance.getClass())) {
        if (!Modifier.isStatic(f.getModifiers()) && settings.isolation() == Isolation.TRANSACTION) {
          set(f, instance, transactionValue(f.getType(), f.isAnnotationPresent(JdbcUrl.class), transaction(context, settings), f.toString()));
        } else if (!Modifier.isStatic(f.getModifiers())) {
          Resources.TestClone tc = testClone(context, settings);
          set(f, instance, value(f.getType(), f.isAnnotationPresent(JdbcUrl.class), tc, f.toString()));
        }
      }
    }
  }

  @Override
  public void afterEach(ExtensionContext context) {
    long t0 = System.nanoTime();
    try {
      finish(context);
    } finally {
      Resources.TestClone tc = context.getStore(NS).get("clone", Resources.TestClone.class);
      if (tc != null) {
        tc.addAfterBody(System.nanoTime() - t0);
      }
    }
  }

  private void finish(ExtensionContext context) {
    TestTransaction tx = context.getStore(NS).get("tx", TestTransaction.class);
    if (tx != null) {
      tx.finish(); // before the store closes it, so that a misuse fails the test with its reason
    }
    Resources.TestClone tc = context.getStore(NS).get("clone", Resources.TestClone.class);
    if (tc != null && context.getExecutionException().isPresent() && settings(context).keep() == Keep.ON_FAILURE) {
      tc.keep("failed test " + context.getDisplayName() + " in " + context.getRequiredTestClass().getName());
      context.publishReportEntry("lockplane.keptClone", tc.clone().name() + " " + Resources.displayUrl(tc.clone()));
    }
  }

  @Override
  public boolean supportsParameter(ParameterContext pc, ExtensionContext context) {
    Class<?> type = pc.getParameter().getType();
    return supported(type, pc.isAnnotated(JdbcUrl.class)) && (type != String.class || pc.isAnnotated(JdbcUrl.class));
  }

  @Override
  public Object resolveParameter(ParameterContext pc, ExtensionContext context) {
    long t0 = System.nanoTime();
    try {
      return resolve(pc, context);
    } finally {
      timeBeforeBody(context, t0);
    }
  }

  private Object resolve(ParameterContext pc, ExtensionContext context) {
    Settings settings = settings(context);
    if (settings.isolation() == Isolation.TRANSACTION) {
      if (context.getTestMethod().isEmpty()) {
        throw new ParameterResolutionException("Cannot provide " + pc.getParameter() + " to " + pc.getDeclaringExecutable()
            + ": isolation = TRANSACTION gives each test its own transaction, and there is none for the whole class."
            + " Take it as a test-method parameter, or use isolation = DATABASE.");
      }
      return transactionValue(pc.getParameter().getType(), pc.isAnnotated(JdbcUrl.class), transaction(context, settings),
          pc.getParameter().toString());
    }
    Resources.TestClone tc = context.getTestMethod().isPresent() ? testClone(context, settings) : classClone(context, settings);
    try {
      return value(pc.getParameter().getType(), pc.isAnnotated(JdbcUrl.class), tc, pc.getParameter().toString());
    } catch (RuntimeException e) {
      throw new ParameterResolutionException("Cannot provide " + pc.getParameter() + ": " + e.getMessage(), e);
    }
  }

  /**
   * Turns what transaction isolation cannot run into a configuration error that names the limit:
   * a statement that cannot run in a transaction block (SQLSTATE 25001: {@code CREATE INDEX
   * CONCURRENTLY}, {@code VACUUM}, …) or a second connection.
   */
  @Override
  public void handleTestExecutionException(ExtensionContext context, Throwable thrown) throws Throwable {
    if (settings(context).isolation() != Isolation.TRANSACTION) {
      throw thrown;
    }
    for (Throwable t = thrown; t != null; t = t.getCause()) {
      if (t instanceof TransactionModeException) {
        throw new ExtensionConfigurationException(t.getMessage(), thrown);
      }
      if (t instanceof SQLException e && "25001".equals(e.getSQLState())) {
        throw new ExtensionConfigurationException("The test ran a statement that cannot run inside a transaction block ("
            + e.getMessage() + "), but isolation = TRANSACTION runs every test inside one transaction: statements such as"
            + " CREATE INDEX CONCURRENTLY, VACUUM, CREATE DATABASE or ALTER SYSTEM need isolation = DATABASE for this"
            + " test class.", thrown);
      }
    }
    throw thrown;
  }

  // ---------------------------------------------------------------------------------------------

  private static TestTransaction transaction(ExtensionContext context, Settings settings) {
    Resources.Golden g = golden(context, settings);
    return context.getStore(NS).getOrComputeIfAbsent("tx", k -> new TestTransaction(g.transactions()), TestTransaction.class);
  }

  private static Object transactionValue(Class<?> type, boolean jdbcUrl, TestTransaction tx, String what) {
    if (jdbcUrl || type == Clone.class) {
      throw new ExtensionConfigurationException(what + ": isolation = TRANSACTION gives each test one connection inside"
          + " a transaction; a " + (jdbcUrl ? "JDBC URL" : "Clone") + " would let it open others that cannot see its"
          + " work. Take a DataSource, Connection or Jdbi, or use isolation = DATABASE.");
    }
    if (type == DataSource.class) {
      return tx.dataSource();
    }
    if (type == Jdbi.class) {
      return Jdbi.create(tx.dataSource());
    }
    if (type == Connection.class) {
      try {
        return tx.connection();
      } catch (SQLException e) {
        throw new ExtensionConfigurationException(what + ": " + e.getMessage(), e);
      }
    }
    throw new ExtensionConfigurationException(what + ": Lockplane cannot inject " + type.getName() + "; use " + SUPPORTED + ".");
  }


  /**
   * The settings of the innermost class carrying {@code @LockplaneTest}: the test class itself, or
   * for a {@code @Nested} class without one of its own, the enclosing class that has it.
   */
  private static Settings settings(ExtensionContext context) {
    Class<?> type = context.getRequiredTestClass();
    Class<?> annotated = type;
    Optional<LockplaneTest> annotation = Optional.empty();
    for (Class<?> c = type; c != null && annotation.isEmpty(); c = c.getEnclosingClass()) {
      annotation = AnnotationSupport.findAnnotation(c, LockplaneTest.class);
      annotated = c;
    }
    LockplaneTest found = annotation.orElseThrow(() -> new ExtensionConfigurationException(
        type.getName() + " uses LockplaneExtension without @LockplaneTest: annotate the class (or, for a @Nested"
            + " class, an enclosing class) with @LockplaneTest(scripts = ...) instead of @ExtendWith."));
    ExtensionContext.Store classStore = context.getStore(NS);
    return classStore.getOrComputeIfAbsent("settings:" + annotated.getName(), k -> Settings.of(found, context), Settings.class);
  }

  private static Resources.Golden golden(ExtensionContext context, Settings settings) {
    ExtensionContext.Store root = context.getRoot().getStore(NS);
    return root.getOrComputeIfAbsent("golden:" + settings.managerKey(), k -> newGolden(settings, root), Resources.Golden.class);
  }

  private static Resources.Golden newGolden(Settings settings, ExtensionContext.Store root) {
    try {
      return new Resources.Golden(settings, root);
    } catch (dev.lockplane.ScriptException e) {
      throw e;
    } catch (dev.lockplane.LockplaneException e) {
      if (e.code() == dev.lockplane.ErrorCode.INVALID_CONFIGURATION || e.code() == dev.lockplane.ErrorCode.BINARIES_NOT_FOUND) {
        throw new ExtensionConfigurationException(e.getMessage(), e);
      }
      throw e;
    }
  }

  private static Resources.TestClone testClone(ExtensionContext context, Settings settings) {
    Resources.Golden g = golden(context, settings);
    return context.getStore(NS).getOrComputeIfAbsent("clone", k -> new Resources.TestClone(g.pool()), Resources.TestClone.class);
  }

  private static Resources.TestClone classClone(ExtensionContext context, Settings settings) {
    Resources.Golden g = golden(context, settings);
    ExtensionContext classContext = context;
    while (classContext.getTestMethod().isPresent() && classContext.getParent().isPresent()) {
      classContext = classContext.getParent().get();
    }
    return classContext.getStore(NS).getOrComputeIfAbsent("class-clone", k -> new Resources.TestClone(g.pool()), Resources.TestClone.class);
  }

  private static List<Field> injectedFields(Class<?> type) {
    List<Field> out = new ArrayList<>();
    for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
      for (Field f : c.getDeclaredFields()) {
        if (f.isAnnotationPresent(TestDatabase.class) || f.isAnnotationPresent(JdbcUrl.class)) {
          out.add(f);
        }
      }
    }
    return out;
  }

  private static void check(Field f) {
    if (Modifier.isFinal(f.getModifiers())) {
      throw new ExtensionConfigurationException(
          "Field " + f + " is final, so Lockplane cannot inject a clone into it: remove 'final'.");
    }
    if (!supported(f.getType(), f.isAnnotationPresent(JdbcUrl.class))) {
      throw new ExtensionConfigurationException(
          "Field " + f + " has type " + f.getType().getName() + ", which Lockplane cannot inject; use " + SUPPORTED + ".");
    }
  }

  private static boolean supported(Class<?> type, boolean jdbcUrl) {
    return jdbcUrl ? type == String.class : INJECTABLE.contains(type);
  }

  private static Object value(Class<?> type, boolean jdbcUrl, Resources.TestClone tc, String what) {
    if (jdbcUrl) {
      return tc.clone().jdbcUrl();
    }
    if (type == DataSource.class) {
      return tc.clone().dataSource();
    }
    if (type == Clone.class) {
      return tc.clone();
    }
    if (type == Jdbi.class) {
      return Jdbi.create(tc.clone().dataSource());
    }
    if (type == Connection.class) {
      try {
        return tc.connection();
      } catch (SQLException e) {
        throw new IllegalStateException("Cannot connect to clone " + tc.clone().name() + ": " + e.getMessage(), e);
      }
    }
    throw new ExtensionConfigurationException(what + ": Lockplane cannot inject " + type.getName() + "; use " + SUPPORTED + ".");
  }

  private static void set(Field f, Object target, Object value) {
    try {
      f.setAccessible(true);
      f.set(target, value);
    } catch (IllegalAccessException | RuntimeException e) {
      throw new ExtensionConfigurationException("Cannot inject into " + f + ": " + e.getMessage(), e);
    }
  }
}
