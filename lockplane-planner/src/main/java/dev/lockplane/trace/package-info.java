/**
 * Migration traces: any migration (SQL files, a Flyway location, a Liquibase changelog, a plan) run
 * statement by statement on a thin clone while its locks, rewrites, rows, WAL and time are observed,
 * with findings decided from what was observed. Start at {@link dev.lockplane.trace.MigrationTrace}.
 */
package dev.lockplane.trace;
