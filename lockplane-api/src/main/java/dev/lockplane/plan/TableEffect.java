package dev.lockplane.plan;

/** What a statement does to the table's data files, which decides how its duration grows with the table. */
public enum TableEffect {
  /** Catalog change only: constant time. */
  NONE,
  /** Reads every row (validation or index build): time grows with the table, files unchanged. */
  SCAN,
  /** Writes a new copy of the table (new relfilenode): time, disk and WAL grow with the table. */
  REWRITE,
  /** Replaces the table's files with empty ones: constant time, all rows gone. */
  TRUNCATE
}
