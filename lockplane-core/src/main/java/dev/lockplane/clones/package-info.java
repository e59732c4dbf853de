/**
 * Factories for clone managers: database-level clones on one PostgreSQL server, and SQLite file
 * clones. Instance-level clones (a server per clone, on ZFS or reflink storage) are in
 * {@code lockplane-zfs}.
 */
package dev.lockplane.clones;
