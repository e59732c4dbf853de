/**
 * The JUnit 5 extension: {@code @LockplaneTest} gives each test its own resettable clone of a
 * prepared golden database. Instance-level isolation needs {@code lockplane-zfs} on the path.
 */
module dev.lockplane.testkit {
  requires transitive dev.lockplane.api;
  requires transitive dev.lockplane.core;
  requires transitive org.junit.jupiter.api;
  requires transitive org.jdbi.v3.core;
  requires static dev.lockplane.zfs;
  // goldens of backups named in the configuration
  requires static dev.lockplane.backup;
  requires java.logging;
  // transaction isolation: the driver's autosave and transaction state behind the savepoint emulation
  requires org.postgresql.jdbc;
  requires org.junit.platform.commons;

  exports dev.lockplane.testkit;
}
