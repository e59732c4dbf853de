/**
 * The JUnit 5 face of Lockplane: annotate a test class with
 * {@link dev.lockplane.testkit.LockplaneTest} and every test method gets its own thin clone of a
 * golden database prepared once per JVM.
 *
 * <pre>{@code
 * @LockplaneTest(scripts = "db/schema.sql")
 * class AccountsTest {
 *   @Test
 *   void transfer(DataSource db) { ... } // a private clone, gone after the test
 * }
 * }</pre>
 */
package dev.lockplane.testkit;
