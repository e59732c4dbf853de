package dev.lockplane.testkit;

/** How much of a server each test's clone gets. */
public enum Isolation {
  /** The configuration parameter {@code lockplane.isolation}, else {@link #DATABASE}. */
  DEFAULT,
  /** A database of its own on a shared server: fast, for tests that stay inside their database. */
  DATABASE,
  /**
   * A PostgreSQL server of its own, on a copy-on-write clone of the golden data directory (needs
   * {@code lockplane-zfs} on the test classpath): for tests that change server-wide state — roles,
   * settings, extensions. The storage is the configuration parameter {@code lockplane.storage}: a
   * directory (ZFS, reflink or copy detected), or {@code zfs:pool/dataset}; by default a temporary
   * directory.
   */
  INSTANCE
}
