package dev.lockplane.spring;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Replaces the application's {@code DataSource} in a Spring test with a thin clone of a golden
 * database built from the application's own migrations: {@code spring.flyway.locations} (and
 * {@code spring.flyway.placeholders.*}) with Flyway, or {@code spring.liquibase.change-log} (and
 * {@code .contexts}, {@code .parameters.*}) with Liquibase.
 *
 * <pre>{@code
 * @SpringBootTest
 * @AutoConfigureLockplaneDatabase
 * class OrdersServiceTest {
 *   @Autowired OrdersService orders;
 *
 *   @Test
 *   void placesAnOrder() { ... }   // a clean database for every test method
 * }
 * }</pre>
 *
 * <p>Works with {@code @SpringBootTest}, {@code @JdbcTest} and {@code @DataJpaTest} (whose own
 * embedded-database replacement it turns off). The golden is built once per JVM per distinct
 * migration content, on one embedded PostgreSQL server per JVM; each Spring context gets a clone
 * of its own. Spring's own Flyway or Liquibase run is switched off in the test context: the golden
 * already holds the migrations and the tool's history table, so a second run would only cost time
 * (the context then has no {@code Flyway} or {@code SpringLiquibase} bean).
 *
 * <p>By default every test class gets a context of its own, so that test classes running in
 * parallel never share a clone; {@link #sharedContext()} lets Spring share one context (and its
 * clone) between classes with the same configuration, for suites that run classes one at a time.
 */
@Documented
@Inherited
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface AutoConfigureLockplaneDatabase {

  /** When the clone goes back to the golden. */
  enum Refresh {
    /** After every test method: each test starts from the golden. */
    AFTER_EACH_TEST_METHOD,
    /** After every test class. */
    AFTER_CLASS,
    /** Never: the context's clone keeps what its tests wrote. */
    NEVER
  }

  /** Which of the application's migrations build the golden. */
  enum Migrations {
    /** Flyway when it is on the class path and not disabled ({@code spring.flyway.enabled}), else Liquibase, else none. */
    AUTO,
    /** The application's Flyway migrations. */
    FLYWAY,
    /** The application's Liquibase changelog. */
    LIQUIBASE,
    /** None: an empty database. */
    NONE
  }

  /**
   * When the clone is reset to the golden.
   *
   * @return the refresh mode
   */
  Refresh refresh() default Refresh.AFTER_EACH_TEST_METHOD;

  /**
   * Which migrations build the golden.
   *
   * @return the migrations
   */
  Migrations migrations() default Migrations.AUTO;

  /**
   * The PostgreSQL major version of the embedded server (13 to 18); 0 means the property
   * {@code lockplane.postgres.version} of the test's environment, else 18.
   *
   * @return the major version
   */
  int postgres() default 0;

  /**
   * Whether test classes with the same configuration may share one Spring context, and so one
   * clone. Faster for suites that run classes one at a time; not for classes run in parallel.
   *
   * @return true to let Spring cache one context for such classes
   */
  boolean sharedContext() default false;
}
