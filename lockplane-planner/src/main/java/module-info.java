/**
 * The planner: introspection, diff, lock-aware plans, apply with history, rollback, drift, the lock
 * catalogue and safety levels, shadow validation, migration traces,
 * expand/contract. A client of clones.
 */
module dev.lockplane.planner {
  requires transitive dev.lockplane.api;
  requires transitive dev.lockplane.core;
  requires java.logging;
  requires com.fasterxml.jackson.databind;
  requires org.jdbi.v3.core;
  requires org.postgresql.jdbc;
  requires org.xerial.sqlitejdbc;
  // Optional: traces of Flyway locations and Liquibase changelogs, when the application has them.
  requires static flyway.core;
  requires static liquibase.core;
  // Optional: the Liquibase hook for Spring's SpringLiquibase beans.
  requires static spring.beans;
  requires static spring.context;

  exports dev.lockplane.planner;
  exports dev.lockplane.safety;
  exports dev.lockplane.migrate;
  exports dev.lockplane.trace;
  exports dev.lockplane.trace.flyway;
  exports dev.lockplane.trace.liquibase;
  exports dev.lockplane.erd;

  // Plans, schemas and catalogue documents are JSON read and written with Jackson; Jdbi maps rows.
  opens dev.lockplane.internal.planner to com.fasterxml.jackson.databind, org.jdbi.v3.core;
  opens dev.lockplane.internal.safety to com.fasterxml.jackson.databind, org.jdbi.v3.core;
  opens dev.lockplane.internal.migrate to com.fasterxml.jackson.databind, org.jdbi.v3.core;
}
