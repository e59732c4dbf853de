package dev.lockplane.testkit;

/** How much of a server each test's clone gets. */
public enum Isolation {
  /** The configuration parameter {@code lockplane.isolation}, else {@link #DATABASE}. */
  DEFAULT,
  /** A database of its own on a shared server: fast, for tests that stay inside their database. */
  DATABASE,
  /**
   * One connection to a shared clone, inside a transaction that is rolled back after the test:
   * well under a millisecond a test. The test's commits become savepoint releases. Limits: one
   * connection at a time; no statement that cannot run in a transaction block ({@code CREATE INDEX
   * CONCURRENTLY}, {@code VACUUM}, {@code CREATE DATABASE}, {@code ALTER SYSTEM}); the test's
   * writes are invisible to other sessions; the isolation level is READ COMMITTED. Misuse fails
   * the test with an {@code ExtensionConfigurationException} that names the limit. PostgreSQL only.
   */
  TRANSACTION,
  /**
   * A PostgreSQL server of its own, on a copy-on-write clone of the golden data directory (needs
   * {@code lockplane-zfs} on the test classpath): for tests that change server-wide state — roles,
   * settings, extensions. The storage is the configuration parameter {@code lockplane.storage}: a
   * directory (ZFS, reflink or copy detected), or {@code zfs:pool/dataset}; by default a temporary
   * directory.
   */
  INSTANCE
}
