/**
 * Copy-on-write storage for PostgreSQL data directories: the {@link dev.lockplane.storage.CowStorage}
 * SPI and its implementations (ZFS, reflink on XFS/btrfs, plain copy), made by
 * {@link dev.lockplane.storage.CowStorages}.
 */
package dev.lockplane.storage;
