package dev.lockplane.backup;

/** How deeply {@link BackupRepository#verify} checks a backup. */
public enum VerifyDepth {
  /** The manifest and its copy are intact, every object exists with its recorded size. */
  STRUCTURE,
  /**
   * Structure, plus every object's stored bytes match their SHA-256 (no key needed) and, when the
   * repository has the keyset, every object decrypts and its plaintext matches its SHA-256.
   */
  DATA,
  /**
   * Data, plus a restore into a scratch server or file that is started and queried: every table's
   * row count must equal the count recorded at backup time.
   */
  DRILL
}
