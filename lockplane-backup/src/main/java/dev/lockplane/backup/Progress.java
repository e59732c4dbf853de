package dev.lockplane.backup;

/**
 * A snapshot of a long operation's progress, handed to a {@link ProgressListener}.
 *
 * @param phase what the operation is doing
 * @param bytesDone plaintext bytes processed so far
 * @param bytesTotal plaintext bytes expected, or -1 when unknown (streams from {@code pg_dump})
 * @param filesDone files completed so far
 * @param filesTotal files expected, or -1 when unknown
 */
public record Progress(Phase phase, long bytesDone, long bytesTotal, int filesDone, int filesTotal) {

  /** The phases of backups, verifications and restores. */
  public enum Phase {
    /** Connecting, starting the backup on the server, listing files. */
    PREPARING,
    /** Copying data into the repository. */
    COPYING,
    /** Copying the write-ahead log a physical backup needs. */
    WAL,
    /** Writing the manifest. */
    MANIFEST,
    /** Reading objects back and checking them. */
    VERIFYING,
    /** Writing restored files, or loading a dump. */
    RESTORING,
    /** Starting a restored server and checking it. */
    DRILLING,
    /** Finished. */
    DONE
  }
}
