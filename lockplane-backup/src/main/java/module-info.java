/**
 * The BackupRepository: physical, logical and SQLite backups that are compressed, encrypted,
 * checksummed, verified, pruned by retention and restorable into thin clones.
 */
module dev.lockplane.backup {
  requires transitive dev.lockplane.api;
  requires transitive dev.lockplane.core;
  requires java.logging;
  requires com.fasterxml.jackson.databind;
  requires com.github.luben.zstd_jni;
  requires com.google.crypto.tink;
  requires org.apache.commons.compress;
  requires org.postgresql.jdbc;
  requires org.xerial.sqlitejdbc;
  // Recovery into instance-level clones takes a copy-on-write storage; only its users need the module.
  requires static dev.lockplane.zfs;
  // The S3-compatible storage (automatic modules of the AWS SDK v2).
  requires software.amazon.awssdk.services.s3;
  requires software.amazon.awssdk.core;
  requires software.amazon.awssdk.awscore;
  requires software.amazon.awssdk.auth;
  requires software.amazon.awssdk.regions;
  requires software.amazon.awssdk.retries;
  requires software.amazon.awssdk.retries.api;

  exports dev.lockplane.backup;

  // Manifests are JSON read and written with Jackson.
  opens dev.lockplane.internal.backup to com.fasterxml.jackson.databind;
}
