/**
 * The embedded PostgreSQL runtime ({@code LocalPostgres}), database-level and SQLite clones, and SQL
 * scripts. Internal packages are exported only to the sibling modules that need them.
 */
module dev.lockplane.core {
  requires transitive dev.lockplane.api;
  requires transitive java.sql;
  requires java.logging;
  requires com.fasterxml.jackson.databind;
  requires org.postgresql.jdbc;
  requires org.xerial.sqlitejdbc;
  requires org.jnrproject.posix;
  requires org.jnrproject.constants;
  requires org.jnrproject.ffi;
  requires org.apache.commons.compress;
  // optional golden sources; their jars carry no module name of their own, Liquibase's declares one
  requires static flyway.core;
  requires static liquibase.core;

  exports dev.lockplane.clones;
  exports dev.lockplane.postgres;

  exports dev.lockplane.internal.clone to dev.lockplane.zfs, dev.lockplane.testkit;
  exports dev.lockplane.internal.fs to dev.lockplane.zfs, dev.lockplane.backup, dev.lockplane.testkit;
  exports dev.lockplane.internal.os to dev.lockplane.planner, dev.lockplane.zfs, dev.lockplane.backup;
  exports dev.lockplane.internal.postgres to dev.lockplane.zfs, dev.lockplane.backup;
  exports dev.lockplane.internal.golden to dev.lockplane.zfs, dev.lockplane.testkit, dev.lockplane.cli;
  exports dev.lockplane.internal.subset to dev.lockplane.cli;
  // the JDBC driver instantiates PgTlsSocketFactory by name (sslfactory) for client certificates
  exports dev.lockplane.internal.wire to dev.lockplane.zfs, dev.lockplane.backup, dev.lockplane.cli, org.postgresql.jdbc;
  exports dev.lockplane.internal.sql to
      dev.lockplane.planner, dev.lockplane.zfs, dev.lockplane.backup, dev.lockplane.testkit, dev.lockplane.cli,
      dev.lockplane.spring;

  // Instance records are JSON files read and written with Jackson.
  opens dev.lockplane.internal.postgres to com.fasterxml.jackson.databind;
}
