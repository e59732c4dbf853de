package dev.lockplane.backup;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What a {@link WalArchiver} has done: where it is in the server's WAL, how far behind the server,
 * and what went wrong. Positions are PostgreSQL's text form ({@code 0/3000028}); {@code null} where
 * not known yet.
 *
 * @param state what the archiver is doing
 * @param server the server, as {@code host:port} (never credentials)
 * @param slot the physical replication slot
 * @param systemIdentifier the server's system identifier, or {@code null} before the first connection
 * @param timeline the server's current timeline, or 0 before the first connection
 * @param archivedThrough the end of the last segment archived (confirmed to the slot)
 * @param lastSegment the name of the last segment archived by this archiver or found in the archive
 * @param lastArchivedAt when this archiver last archived a segment, or {@code null}
 * @param receivedThrough the end of the WAL received so far (the current segment is partly received)
 * @param serverFlush the server's WAL flush position when last asked (about every second)
 * @param lagBytes how much WAL the server has flushed that is not archived yet, or -1 when unknown
 * @param segmentsArchived how many segments this archiver stored
 * @param bytesStored how many bytes (compressed, encrypted) this archiver stored
 * @param gaps WAL the archive lacks because the server no longer had it, such as
 *     {@code 000000010000000000000004..000000010000000000000007}
 * @param timelineSwitches the timeline switches seen, such as {@code 1 -> 2 at 0/5000000}
 * @param lastError the last failure (a lost connection that is retried, or the one that stopped it)
 */
public record WalArchiveStatus(State state, String server, String slot, String systemIdentifier, int timeline,
    String archivedThrough, String lastSegment, Instant lastArchivedAt, String receivedThrough, String serverFlush,
    long lagBytes, long segmentsArchived, long bytesStored, List<String> gaps, List<String> timelineSwitches,
    String lastError) {

  /** Copies the lists. */
  public WalArchiveStatus {
    gaps = List.copyOf(gaps);
    timelineSwitches = List.copyOf(timelineSwitches);
  }

  /** What an archiver is doing. */
  public enum State {
    /** Connecting for the first time. */
    STARTING,
    /** Receiving WAL. */
    STREAMING,
    /** The connection was lost; it reconnects and resumes where the archive ends. */
    RECONNECTING,
    /** It stopped on an error it cannot recover from ({@link #lastError()} says which). */
    FAILED,
    /** It was closed. */
    STOPPED
  }

  /** Returns the last error, if any. */
  public Optional<String> error() {
    return Optional.ofNullable(lastError);
  }
}
