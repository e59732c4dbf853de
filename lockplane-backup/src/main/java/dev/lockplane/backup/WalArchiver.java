package dev.lockplane.backup;

import dev.lockplane.ErrorCode;
import dev.lockplane.LockplaneException;
import dev.lockplane.internal.backup.WalCatalog;
import dev.lockplane.internal.backup.WalNames;
import dev.lockplane.internal.backup.WalStreamer;
import java.time.Duration;
import java.util.Objects;

/**
 * Archives a server's WAL continuously into a repository, through a physical replication slot:
 * each completed segment becomes an object compressed, encrypted and checksummed like any backup
 * object, with its own manifest. The slot is told a segment is safe only once its object is stored,
 * so the server keeps every segment not yet archived: after a crash, a restart of either side or a
 * lost connection, archiving resumes at the first segment the archive lacks, with no gap and no
 * segment stored twice. Together with physical backups of the same server this allows recovery to
 * any moment ({@link BackupRepository#recover(RecoveryTarget)}).
 *
 * <pre>{@code
 * try (WalArchiver archiver = repo.walArchiver()
 *     .source("postgres://db.internal:5432/postgres", "archiver", password)
 *     .slot("lockplane").createSlot()
 *     .start()) {
 *   repo.backup().physical("postgres://db.internal:5432/postgres", "archiver", password).run();
 *   System.out.println(archiver.status());
 * }
 * }</pre>
 *
 * <p>A segment is archived when it is complete: on a quiet server set {@code archive_timeout} or
 * call {@code pg_switch_wal()} to bound how old the newest archived WAL can be. The role needs
 * {@code LOGIN} and {@code REPLICATION}. Thread-safe; {@link #close()} stops it (the partly
 * received segment stays in the slot) and is safe to call twice.
 */
public final class WalArchiver implements AutoCloseable {
  private final WalStreamer streamer;

  private WalArchiver(WalStreamer streamer) {
    this.streamer = streamer;
  }

  /** Returns what the archiver has done, how far behind the server it is, and its last error. */
  public WalArchiveStatus status() {
    return streamer.status();
  }

  /**
   * Waits until the archive holds the server's WAL up to a position, such as the result of
   * {@code SELECT pg_switch_wal()} on the server.
   *
   * @param lsn the position, such as {@code 0/3000028}
   * @param timeout how long to wait
   * @return the status then
   * @throws BackupException {@code IO_ERROR} when the archiver failed or stopped, or the time ran out
   */
  public WalArchiveStatus awaitArchived(String lsn, Duration timeout) {
    long position;
    try {
      position = WalNames.parseLsn(lsn);
    } catch (IllegalArgumentException e) {
      throw new LockplaneException(ErrorCode.INVALID_INPUT, e.getMessage() + ".");
    }
    return streamer.awaitArchived(position, Objects.requireNonNull(timeout, "timeout"));
  }

  /** Stops archiving. Safe to call twice. */
  @Override
  public void close() {
    streamer.stop();
  }

  @Override
  public String toString() {
    WalArchiveStatus s = status();
    return "WalArchiver[" + s.server() + ", slot " + s.slot() + ", " + s.state() + ", archived through " + s.archivedThrough() + "]";
  }

  /** Configures a {@link WalArchiver}. Each setting may be given once. */
  public static final class Builder {
    private final WalCatalog catalog;
    private String url;
    private String user;
    private String password;
    private String slot;
    private Boolean createSlot;

    Builder(WalCatalog catalog) {
      this.catalog = catalog;
    }

    /**
     * The server to archive, reached over the replication protocol.
     *
     * @param url a {@code jdbc:postgresql:} or {@code postgres://} URL
     * @param user a role with {@code LOGIN} and {@code REPLICATION}, or {@code null} for the URL's
     * @param password its password, or {@code null} for the URL's (or none)
     * @return this builder
     */
    public Builder source(String url, String user, String password) {
      if (this.url != null) {
        throw new LockplaneException(ErrorCode.INVALID_CONFIGURATION, "source was already set to "
            + dev.lockplane.internal.sql.JdbcUrls.redact(this.url) + "; set it once.");
      }
      this.url = Objects.requireNonNull(url, "url");
      this.user = user;
      this.password = password;
      return this;
    }

    /**
     * The physical replication slot that holds the WAL not yet archived (default {@code lockplane}).
     *
     * @param name the slot name
     * @return this builder
     */
    public Builder slot(String name) {
      if (slot != null) {
        throw new LockplaneException(ErrorCode.INVALID_CONFIGURATION, "slot was already set to " + slot + "; set it once.");
      }
      if (!Objects.requireNonNull(name, "name").matches("[a-z0-9_]{1,63}")) {
        throw new LockplaneException(ErrorCode.INVALID_CONFIGURATION, "'" + name + "' is not a replication slot name:"
            + " use lower-case letters, digits and _ (at most 63).");
      }
      this.slot = name;
      return this;
    }

    /**
     * Creates the slot when it does not exist at start. Without it a missing slot is an error. A
     * slot that disappears while the archiver runs is always an error (WAL may have been lost).
     *
     * @return this builder
     */
    public Builder createSlot() {
      if (createSlot != null) {
        throw new LockplaneException(ErrorCode.INVALID_CONFIGURATION, "createSlot was already set; set it once.");
      }
      this.createSlot = true;
      return this;
    }

    /**
     * Starts archiving in a background thread; connection problems are retried and reported by
     * {@link WalArchiver#status()}.
     *
     * @return the running archiver
     */
    public WalArchiver start() {
      if (url == null) {
        throw new LockplaneException(ErrorCode.INVALID_CONFIGURATION, "No server: call source(url, user, password) first.");
      }
      WalStreamer s = new WalStreamer(catalog, new WalStreamer.Settings(url, user, password, slot == null ? "lockplane" : slot,
          createSlot != null && createSlot));
      s.start();
      return new WalArchiver(s);
    }
  }
}
