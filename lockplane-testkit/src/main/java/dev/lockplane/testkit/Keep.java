package dev.lockplane.testkit;

/** What happens to the clone of a test after the test. */
public enum Keep {
  /** The configuration parameter {@code lockplane.keep}, else {@link #NEVER}. */
  DEFAULT,
  /** Destroy the clone after the test. */
  NEVER,
  /**
   * Keep the clone of a failed test for inspection, and log its name and JDBC URL (also published
   * as the report entry {@code lockplane.keptClone}). On the embedded server a kept clone lasts until
   * the JVM ends; on a server given by {@code lockplane.jdbcUrl} it stays.
   */
  ON_FAILURE
}
