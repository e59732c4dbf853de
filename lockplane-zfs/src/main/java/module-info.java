/**
 * Instance-level copy-on-write clones: the {@code CowStorage} SPI (ZFS, reflink on XFS/btrfs, plain
 * copy) and a clone manager that runs one PostgreSQL server per clone.
 */
module dev.lockplane.zfs {
  requires transitive dev.lockplane.api;
  requires transitive dev.lockplane.core;
  requires java.logging;
  requires com.fasterxml.jackson.databind;
  requires org.postgresql.jdbc;
  requires org.jnrproject.posix;
  requires org.jnrproject.constants;
  requires org.jnrproject.ffi;
  // a physical golden's base backup arrives as a tar archive
  requires org.apache.commons.compress;

  exports dev.lockplane.instances;
  exports dev.lockplane.storage;

  // The clone registry is a JSON file read and written with Jackson; jnr-ffi binds the ioctl interface.
  opens dev.lockplane.internal.instances to com.fasterxml.jackson.databind;
  opens dev.lockplane.internal.storage to org.jnrproject.ffi;
}
