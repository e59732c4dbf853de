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
 * <p>The golden is built from {@link #scripts()} (or {@link #flyway()}, {@link #liquibase()},
 * {@link #source()}) once per JVM per distinct content (a changed
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
 * <p>The golden can instead be built by Flyway ({@code @LockplaneTest(flyway = "classpath:db/migration")}),
 * by Liquibase ({@code @LockplaneTest(liquibase = "db/changelog.yaml")}), or copied from a server
 * named in the configuration ({@link #source()}); the same caching applies.
 *
 * <p>Every attribute has a default in the JUnit configuration parameters
 * ({@code junit-platform.properties}): {@code lockplane.postgres.version}, {@code lockplane.engine},
 * {@code lockplane.pool.size}, {@code lockplane.keep}, {@code lockplane.isolation},
 * {@code lockplane.storage}; {@code lockplane.recycle=false} drops every used clone instead of restoring
 * it for reuse; and {@code lockplane.jdbcUrl},
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
   * Flyway locations ({@code classpath:db/migration}, {@code filesystem:src/main/resources/db/migration})
   * whose migrations Flyway itself runs to build the golden, callbacks included. Needs {@code
   * org.flywaydb:flyway-core} and {@code flyway-database-postgresql} on the test class path. Not
   * allowed with {@link #scripts()}, {@link #liquibase()} or {@link #source()}.
   *
   * @return the locations
   */
  String[] flyway() default {};

  /**
   * A Liquibase changelog (a class path resource such as {@code db/changelog.yaml}, or a file) that
   * Liquibase itself runs to build the golden. Needs {@code org.liquibase:liquibase-core} on the
   * test class path. Not allowed with {@link #scripts()}, {@link #flyway()} or {@link #source()}.
   *
   * @return the changelog, or empty for none
   */
  String liquibase() default "";

  /**
   * Liquibase contexts (a context expression such as {@code test}); only with {@link #liquibase()}.
   *
   * @return the contexts, or empty for all
   */
  String contexts() default "";

  /**
   * Flyway placeholders or Liquibase changelog parameters, each {@code name=value}; only with
   * {@link #flyway()} or {@link #liquibase()}.
   *
   * @return the placeholders
   */
  String[] placeholders() default {};

  /**
   * The name of a golden source described by configuration parameters, so that no address or
   * credential is written in the code: for {@code source = "staging"} the golden is a copy of the
   * server given by
   * <ul>
   *   <li>{@code lockplane.golden.staging.url} — {@code postgres://host:5432/db} or a JDBC URL (required)
   *   <li>{@code lockplane.golden.staging.user} — the role to read as (required)
   *   <li>{@code lockplane.golden.staging.password-env} — the name of the environment variable
   *       that holds the password, or {@code .password-file}, a file holding it (optional; a
   *       password itself is never accepted here)
   *   <li>{@code lockplane.golden.staging.transfer} — {@code logical} ({@code pg_dump}, default) or
   *       {@code physical} (instance isolation only)
   *   <li>{@code lockplane.golden.staging.jobs} — parallel dump and restore jobs (default 2)
   *   <li>{@code lockplane.golden.staging.subset} — a subset file ({@code classpath:db/subset.json}
   *       or a path; see {@code docs/subset.schema.json}): only those rows, closed under foreign keys
   * </ul>
   * A source may instead be a backup (needs {@code lockplane-backup} on the test class path):
   * <ul>
   *   <li>{@code lockplane.golden.staging.backup} — the repository: a directory or {@code s3://...}
   *   <li>{@code lockplane.golden.staging.backup-id} or {@code .backup-before} (an ISO-8601 time)
   *       — which backup; the newest by default
   *   <li>{@code lockplane.golden.staging.keyset-file} or {@code .keyset-env}, and {@code
   *       .passphrase-env} — the repository's keys, when its backups are encrypted
   * </ul>
   * Either kind may be masked before any clone sees it:
   * <ul>
   *   <li>{@code lockplane.golden.staging.mask} — a masking rules file, {@code classpath:masking.json}
   *       or a path (see {@code docs/masking-rules.schema.json})
   *   <li>{@code lockplane.golden.staging.mask-strict} — {@code true} to refuse the golden while a
   *       column that looks personal has no rule
   *   <li>{@code lockplane.golden.staging.mask-key-env} or {@code .mask-key-file} — where the masking
   *       key is, when the rules file names none
   * </ul>
   * Parameters come from {@code junit-platform.properties}, the build tool's configuration
   * parameters, or system properties ({@code -Dlockplane.golden.staging.url=...}). Not allowed with
   * {@link #scripts()}, {@link #flyway()} or {@link #liquibase()}.
   *
   * @return the source's name, or empty for none
   */
  String source() default "";

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
   * {@code lockplane.pool.size}, else 4 when database-level clones are cheap (in memory on the
   * embedded server, see {@code DatabaseClonesBuilder.clonesInMemory}, or reflinks) and 2 otherwise.
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
