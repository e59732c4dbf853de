package dev.lockplane.testkit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Gives every test method of the class its own thin clone of a golden database.
 *
 * <p>The golden is built from {@link #scripts()} once per JVM per distinct content (a changed
 * script rebuilds it, an unchanged one does not); each test receives a clone of it as a parameter
 * or a {@link TestDatabase} field, reset for every test, safe under parallel execution. Spare clones
 * are prepared in the background, so a test normally waits for nothing.
 *
 * <pre>{@code
 * @LockplaneTest(scripts = {"db/schema.sql", "db/seed.sql"})
 * class OrdersTest {
 *   @TestDatabase static DataSource shared;   // one clone for the whole class
 *
 *   @Test
 *   void cancel(DataSource db, Clone clone) throws SQLException {
 *     ...
 *     clone.reset(); // back to the golden, mid-test
 *   }
 * }
 * }</pre>
 *
 * <p>Every attribute has a default in the JUnit configuration parameters
 * ({@code junit-platform.properties}): {@code lockplane.postgres.version}, {@code lockplane.engine},
 * {@code lockplane.pool.size}, {@code lockplane.keep}, {@code lockplane.isolation},
 * {@code lockplane.storage}; and {@code lockplane.jdbcUrl},
 * {@code lockplane.user}, {@code lockplane.password} clone on an existing server instead of the
 * embedded one.
 */
@Documented
@Inherited
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
@ExtendWith(LockplaneExtension.class)
public @interface LockplaneTest {

  /**
   * SQL scripts that build the golden database, run in order. Each is a classpath resource
   * ({@code db/schema.sql} or {@code classpath:db/schema.sql}) or a file ({@code file:db/schema.sql},
   * relative to the working directory); a plain path is looked up on the classpath first.
   *
   * @return the scripts
   */
  String[] scripts() default {};

  /**
   * The PostgreSQL major version of the embedded server (13 to 18); 0 means the configuration
   * parameter {@code lockplane.postgres.version}, else 18. Not allowed with {@link Engine#SQLITE}.
   *
   * @return the major version
   */
  int postgres() default 0;

  /**
   * The engine to clone.
   *
   * @return the engine
   */
  Engine engine() default Engine.DEFAULT;

  /**
   * How many spare clones to keep ready; -1 means the configuration parameter
   * {@code lockplane.pool.size}, else 2.
   *
   * @return the pool size
   */
  int pool() default -1;

  /**
   * Whether each test gets a database of its own on a shared server, a transaction rolled back
   * after it ({@link Isolation#TRANSACTION}: one connection, well under a millisecond a test), or a
   * server of its own.
   *
   * @return the isolation
   */
  Isolation isolation() default Isolation.DEFAULT;

  /**
   * Whether to keep the clone of a failed test.
   *
   * @return the policy
   */
  Keep keep() default Keep.DEFAULT;
}
