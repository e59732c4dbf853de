/**
 * Schema-change safety: the catalogue of the locks PostgreSQL takes for each kind of DDL (verified
 * by experiment on real servers), estimates from a target's statistics, safe rewrites of risky
 * statements, guarded execution with lock timeouts and retries, and shadow validation — running
 * steps on a thin clone and measuring their locks, rewrites, WAL and time.
 *
 * <pre>{@code
 * LockCatalogue catalogue = LockCatalogue.forVersion(18);
 * CatalogueEntry e = catalogue.entry(DdlKind.ALTER_COLUMN_TYPE_REWRITE);
 * e.strongestLock();          // ACCESS_EXCLUSIVE
 * e.effect();                 // REWRITE
 * }</pre>
 */
package dev.lockplane.safety;
