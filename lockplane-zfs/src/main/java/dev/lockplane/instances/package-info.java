/**
 * Instance-level clones: whole PostgreSQL servers on copy-on-write storage, each with its own port,
 * role and password, created and reset in time independent of the data size on ZFS and reflink
 * storage. Start with {@link dev.lockplane.instances.InstanceClones#on}.
 */
package dev.lockplane.instances;
