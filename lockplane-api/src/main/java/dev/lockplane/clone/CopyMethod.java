package dev.lockplane.clone;

/** How a clone manager copies a snapshot into a clone. */
public enum CopyMethod {
  /**
   * PostgreSQL 18's {@code CREATE DATABASE … STRATEGY FILE_COPY} with {@code file_copy_method =
   * clone}: the server asks the filesystem for a reflink, which costs constant time on XFS (reflink)
   * and btrfs; on other filesystems the kernel copies the bytes.
   */
  FILE_CLONE,
  /** {@code CREATE DATABASE … STRATEGY FILE_COPY} with a byte copy of the files. */
  FILE_COPY,
  /** {@code CREATE DATABASE … STRATEGY WAL_LOG}: a block-by-block copy written through the WAL. */
  WAL_LOG,
  /** A reflink ({@code FICLONE}) of a file: constant time on XFS and btrfs. */
  REFLINK,
  /** A plain byte copy of a file or directory: linear in size, correct everywhere. */
  COPY,
  /** A storage-level snapshot clone (ZFS {@code zfs clone}). */
  ZFS_CLONE
}
