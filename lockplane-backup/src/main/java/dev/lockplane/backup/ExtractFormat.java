package dev.lockplane.backup;

/** How {@link ExtractRequest} writes rows. */
public enum ExtractFormat {
  /** One {@code INSERT INTO schema.table (columns) VALUES (...);} per row. */
  INSERTS,
  /** RFC 4180 CSV with a header line. */
  CSV
}
