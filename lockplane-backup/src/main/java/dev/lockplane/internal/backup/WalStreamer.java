package dev.lockplane.internal.backup;

import dev.lockplane.ErrorCode;
import dev.lockplane.backup.BackupException;
import dev.lockplane.backup.WalArchiveStatus;
import dev.lockplane.backup.WalArchiveStatus.State;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.postgresql.PGConnection;
import org.postgresql.replication.LogSequenceNumber;
import org.postgresql.replication.PGReplicationStream;

/**
 * Streams a server's WAL through a physical replication slot into the archive, one whole segment
 * per object. The slot is told a segment is flushed only after its object and manifest are stored,
 * so after a crash, a restart or a lost connection the server still holds everything not archived,
 * and streaming resumes at the first segment the archive lacks: no gap, and no segment twice.
 */
public final class WalStreamer {
  private static final System.Logger LOG = System.getLogger(WalStreamer.class.getName());

  /**
   * What to archive.
   *
   * @param url the server's URL
   * @param user the role (REPLICATION), or {@code null} for the URL's
   * @param password the password, or {@code null} for the URL's
   * @param slot the physical replication slot
   * @param createSlot whether to create the slot when it is missing at start
   */
  public record Settings(String url, String user, String password, String slot, boolean createSlot) {}

  private final WalCatalog catalog;
  private final Settings settings;
  private final ReplicationSource.Address where;
  private final Object lock = new Object();
  private volatile boolean stopping;
  private volatile Connection replConnection;
  private volatile Connection sqlConnection;
  private Thread thread;
  private boolean connectedBefore;

  // guarded by lock
  private State state = State.STARTING;
  private String sysid;
  private int timeline;
  private long archivedThrough = -1;
  private String lastSegment;
  private Instant lastArchivedAt;
  private long received = -1;
  private long serverFlush = -1;
  private long segments;
  private long bytesStored;
  private final List<String> gaps = new ArrayList<>();
  private final List<String> switches = new ArrayList<>();
  private String lastError;

  /**
   * Creates a streamer; {@link #start()} starts it.
   *
   * @param catalog the archive
   * @param settings what to archive
   */
  public WalStreamer(WalCatalog catalog, Settings settings) {
    this.catalog = catalog;
    this.settings = settings;
    this.where = ReplicationSource.address(settings.url());
  }

  /** Starts the archiving thread. */
  public void start() {
    thread = new Thread(this::run, "lockplane-wal-archiver " + where);
    thread.setDaemon(true);
    thread.start();
  }

  /** Stops archiving: the partly received segment is dropped (the slot still holds it). Safe to call twice. */
  public void stop() {
    stopping = true;
    closeQuietly(replConnection);
    closeQuietly(sqlConnection);
    if (thread != null && thread != Thread.currentThread()) {
      try {
        thread.join(TimeUnit.SECONDS.toMillis(30));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    synchronized (lock) {
      if (state != State.FAILED) {
        state = State.STOPPED;
      }
      lock.notifyAll();
    }
  }

  /** Returns the current status. */
  public WalArchiveStatus status() {
    synchronized (lock) {
      long lag = serverFlush >= 0 && archivedThrough >= 0 ? Math.max(0, serverFlush - archivedThrough) : -1;
      return new WalArchiveStatus(state, where.toString(), settings.slot(), sysid, timeline, lsn(archivedThrough), lastSegment,
          lastArchivedAt, lsn(received), lsn(serverFlush), lag, segments, bytesStored, gaps, switches, lastError);
    }
  }

  /**
   * Waits until the archive holds the WAL up to a position.
   *
   * @param position the position
   * @param timeout how long to wait
   * @return the status then
   * @throws BackupException {@code IO_ERROR} when the archiver failed, stopped or timed out
   */
  public WalArchiveStatus awaitArchived(long position, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (lock) {
      while (archivedThrough < position) {
        if (state == State.FAILED || state == State.STOPPED) {
          throw new BackupException(ErrorCode.IO_ERROR, "The WAL archiver of " + where + " " + state.name().toLowerCase(java.util.Locale.ROOT)
              + " before archiving up to " + lsn(position) + (lastError == null ? "." : ": " + lastError), null, null, null);
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new BackupException(ErrorCode.IO_ERROR, "The WAL archiver of " + where + " has archived up to "
              + lsn(archivedThrough) + ", not " + lsn(position) + ", after " + timeout.toSeconds() + " s. A segment is"
              + " archived when it is complete: run SELECT pg_switch_wal() on the server to complete the current one."
              + (lastError == null ? "" : " Last error: " + lastError), null, null, null);
        }
        try {
          lock.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new BackupException(ErrorCode.IO_ERROR, "Interrupted while waiting for the WAL archiver.", null, null, e);
        }
      }
      return status();
    }
  }

  private void run() {
    long backoff = 250;
    while (!stopping) {
      try {
        session();
      } catch (Fatal e) {
        synchronized (lock) {
          state = State.FAILED;
          lastError = e.getMessage();
          lock.notifyAll();
        }
        LOG.log(System.Logger.Level.ERROR, e.getMessage());
        return;
      } catch (SQLException | IOException | RuntimeException | InterruptedException e) {
        if (stopping) {
          break;
        }
        String sqlState = e instanceof SQLException s ? String.valueOf(s.getSQLState()) : "";
        boolean refused = sqlState.startsWith("28") || sqlState.equals("42501");
        boolean retry = !refused && !(e instanceof RuntimeException)
            || e instanceof BackupException be && (be.code() == ErrorCode.IO_ERROR || be.code() == ErrorCode.DISK_FULL);
        if (!retry) {
          synchronized (lock) {
            state = State.FAILED;
            lastError = refused ? "The WAL archiver cannot log in to " + where + " as "
                + (settings.user() == null ? "the URL's role" : "'" + settings.user() + "'") + ": "
                + Redaction.message((SQLException) e) + ". The role needs LOGIN, REPLICATION and a pg_hba.conf line for"
                + " the 'replication' database; check the password."
                : e instanceof BackupException ? e.getMessage()
                : "The WAL archiver of " + where + " stopped: " + Redaction.text(e);
            lock.notifyAll();
          }
          return;
        }
        String why = e instanceof SQLException s ? Redaction.message(s) : Redaction.text(e);
        synchronized (lock) {
          state = State.RECONNECTING;
          lastError = "Archiving WAL of " + where + " was interrupted (" + why + "); reconnecting, the slot keeps the WAL meanwhile.";
          lock.notifyAll();
        }
        LOG.log(System.Logger.Level.WARNING, lastError);
        sleep(backoff);
        backoff = Math.min(backoff * 2, 5000);
      }
    }
  }

  private void session() throws SQLException, IOException, InterruptedException {
    String role = settings.user() != null ? settings.user() : dev.lockplane.internal.sql.JdbcUrls.userOf(settings.url());
    String secret = settings.password() != null ? settings.password() : dev.lockplane.internal.sql.JdbcUrls.passwordOf(settings.url());
    Properties props = new Properties();
    if (role != null) {
      props.setProperty("user", role);
    }
    if (secret != null) {
      props.setProperty("password", secret);
    }
    props.setProperty("ApplicationName", "lockplane-wal-archiver");
    props.setProperty("connectTimeout", "10");
    Properties repl = new Properties();
    repl.putAll(props);
    repl.setProperty("replication", "true");
    repl.setProperty("assumeMinServerVersion", "10");
    repl.setProperty("preferQueryMode", "simple");
    String jdbc = "jdbc:postgresql://" + where.host() + ":" + where.port() + "/" + where.database();
    try (Connection sql = DriverManager.getConnection(jdbc, props); Connection rc = DriverManager.getConnection(jdbc, repl)) {
      sqlConnection = sql;
      replConnection = rc;
      if (stopping) {
        return;
      }
      String id;
      int tli;
      try (Statement s = rc.createStatement(); ResultSet rs = s.executeQuery("IDENTIFY_SYSTEM")) {
        rs.next();
        id = rs.getString("systemid");
        tli = rs.getInt("timeline");
      }
      long segSize;
      try (Statement s = sql.createStatement();
          ResultSet rs = s.executeQuery("SELECT setting::bigint FROM pg_settings WHERE name = 'wal_segment_size'")) {
        rs.next();
        segSize = rs.getLong(1);
      }
      Long restart = slotRestart(sql);
      List<String> archived = catalog.segmentNames(id);
      String newest = archived.stream().max(java.util.Comparator.comparingLong((String n) -> WalNames.segnoOf(n, segSize))
          .thenComparing(n -> n)).orElse(null);
      if (restart == null) {
        if (connectedBefore || !settings.createSlot()) {
          throw new Fatal("The physical replication slot '" + settings.slot() + "' does not exist on " + where + (connectedBefore
              ? ": it was dropped while the archiver used it" : "") + ". "
              + (newest == null ? "The archive holds no WAL of this server yet. Create the slot (pg_create_physical_replication_slot,"
                  + " or start the archiver with createSlot())."
                  : "The archive ends with segment " + newest + "; WAL written since may already be gone from the server, a gap"
                      + " in the archive that no recovery can cross. Create the slot again (or start with createSlot()),"
                      + " then take a new base backup."));
        }
        try (PreparedStatement ps = sql.prepareStatement("SELECT pg_create_physical_replication_slot(?, true)")) {
          ps.setString(1, settings.slot());
          ps.execute();
        }
        restart = slotRestart(sql);
      }
      connectedBefore = true;
      long next;
      if (newest != null) {
        next = (WalNames.segnoOf(newest, segSize) + 1) * segSize;
      } else {
        next = restart == null || restart < 0 ? currentFlush(sql) / segSize * segSize : restart / segSize * segSize;
      }
      if (restart != null && restart >= 0 && restart / segSize * segSize > next) {
        long from = next / segSize;
        long to = restart / segSize - 1;
        String gap = WalNames.segmentName(tli, from, segSize) + ".." + WalNames.segmentName(tli, to, segSize);
        synchronized (lock) {
          if (!gaps.contains(gap)) {
            gaps.add(gap);
          }
        }
        LOG.log(System.Logger.Level.ERROR, "The archive lacks WAL segments " + gap + " of " + where
            + ": the slot no longer holds them. Recovery cannot cross this gap; take a new base backup.");
        next = restart / segSize * segSize;
      }
      int newestTli = newest == null ? tli : WalNames.timelineOf(newest);
      if (newest != null && newestTli != tli) {
        synchronized (lock) {
          String sw = newestTli + " -> " + tli + " (archive ends with " + newest + ")";
          if (!switches.contains(sw)) {
            switches.add(sw);
          }
        }
      }
      if (tli > 1) {
        archiveHistory(rc, id, tli);
      }
      synchronized (lock) {
        sysid = id;
        timeline = tli;
        lastSegment = newest;
        if (newest != null && archivedThrough < next) {
          // what the archive already holds; a new archive holds nothing until its first segment
          archivedThrough = next;
        }
      }
      PGReplicationStream stream = rc.unwrap(PGConnection.class).getReplicationAPI().replicationStream().physical()
          .withSlotName(settings.slot()).withStartPosition(LogSequenceNumber.valueOf(next))
          .withStatusInterval(10, TimeUnit.SECONDS).start();
      synchronized (lock) {
        state = State.STREAMING;
        lastError = null;
        lock.notifyAll();
      }
      byte[] segment = new byte[(int) segSize];
      long segStart = next;
      int filled = 0;
      long lastPoll = 0;
      while (!stopping) {
        ByteBuffer buf = stream.readPending();
        if (buf == null) {
          if (stream.isClosed()) {
            throw new IOException("the server ended the replication stream");
          }
          if (System.nanoTime() - lastPoll > TimeUnit.SECONDS.toNanos(1)) {
            lastPoll = System.nanoTime();
            long flush = currentFlush(sql);
            synchronized (lock) {
              serverFlush = flush;
            }
          }
          Thread.sleep(10);
          continue;
        }
        long end = stream.getLastReceiveLSN().asLong();
        long start = end - buf.remaining();
        if (start != segStart + filled) {
          throw new IOException("the server sent WAL from " + lsn(start) + " where " + lsn(segStart + filled) + " was expected");
        }
        while (buf.hasRemaining()) {
          int take = Math.min(buf.remaining(), segment.length - filled);
          buf.get(segment, filled, take);
          filled += take;
          if (filled == segment.length) {
            long segno = segStart / segSize;
            String name = WalNames.segmentName(tli, segno, segSize);
            WalCatalog.Stored st = catalog.store(id, name, tli, lsn(segStart), lsn(segStart + segSize), segSize, segment,
                filled, "stream");
            // only now may the server recycle this segment: its object and manifest are stored
            stream.setFlushedLSN(LogSequenceNumber.valueOf(segStart + segSize));
            stream.setAppliedLSN(LogSequenceNumber.valueOf(segStart + segSize));
            stream.forceUpdateStatus();
            synchronized (lock) {
              archivedThrough = segStart + segSize;
              received = Math.max(received, archivedThrough);
              lastSegment = name;
              lastArchivedAt = Instant.now();
              if (st.now()) {
                segments++;
                bytesStored += st.entry().object().storedSize();
              }
              lock.notifyAll();
            }
            segStart += segSize;
            filled = 0;
          }
        }
        synchronized (lock) {
          received = Math.max(received, end);
        }
      }
    } finally {
      replConnection = null;
      sqlConnection = null;
    }
  }

  /** Returns the slot's restart position: -1 when it holds no WAL yet, {@code null} when there is no such slot. */
  private Long slotRestart(Connection sql) throws SQLException {
    try (PreparedStatement ps = sql.prepareStatement(
        "SELECT restart_lsn::text, slot_type FROM pg_replication_slots WHERE slot_name = ?")) {
      ps.setString(1, settings.slot());
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return null;
        }
        if (!"physical".equals(rs.getString(2))) {
          throw new Fatal("The replication slot '" + settings.slot() + "' on " + where + " is a " + rs.getString(2)
              + " slot; the WAL archiver needs a physical one. Choose another slot name.");
        }
        String r = rs.getString(1);
        return r == null ? -1L : WalNames.parseLsn(r);
      }
    }
  }

  private static long currentFlush(Connection sql) throws SQLException {
    try (Statement s = sql.createStatement();
        ResultSet rs = s.executeQuery("SELECT CASE WHEN pg_is_in_recovery() THEN pg_last_wal_receive_lsn() ELSE pg_current_wal_flush_lsn() END::text")) {
      rs.next();
      return rs.getString(1) == null ? -1 : WalNames.parseLsn(rs.getString(1));
    }
  }

  /** Archives the history files of the timelines up to the current one that the archive lacks. */
  private void archiveHistory(Connection rc, String id, int tli) throws SQLException {
    List<String> have = catalog.historyNames(id);
    for (int t = 2; t <= tli; t++) {
      String name = WalNames.historyName(t);
      if (have.contains(name)) {
        continue;
      }
      byte[] content;
      try (Statement s = rc.createStatement(); ResultSet rs = s.executeQuery("TIMELINE_HISTORY " + t)) {
        rs.next();
        String text = rs.getString(2);
        content = text.startsWith("\\x") ? java.util.HexFormat.of().parseHex(text.substring(2))
            : text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
      }
      catalog.store(id, name, t, null, null, 0, content, content.length, "stream");
      synchronized (lock) {
        String sw = "timeline " + t + " history archived";
        if (!switches.contains(sw)) {
          switches.add(sw);
        }
      }
    }
  }

  private static String lsn(long p) {
    return p < 0 ? null : WalNames.formatLsn(p);
  }

  private void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      stopping = true;
    }
  }

  private static void closeQuietly(Connection c) {
    if (c != null) {
      try {
        c.close();
      } catch (SQLException | RuntimeException ignored) {
        // closing is how a blocked read is woken; its failure changes nothing
      }
    }
  }

  /** A failure that reconnecting cannot cure. */
  private static final class Fatal extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Fatal(String message) {
      super(message);
    }
  }
}
