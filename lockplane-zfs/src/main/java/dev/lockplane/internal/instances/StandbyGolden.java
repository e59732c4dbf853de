package dev.lockplane.internal.instances;

import dev.lockplane.ErrorCode;
import dev.lockplane.LockplaneException;
import dev.lockplane.clone.CopyMethod;
import dev.lockplane.clone.Golden;
import dev.lockplane.clone.Snapshot;
import dev.lockplane.instances.StandbyStatus;
import dev.lockplane.internal.os.Posix;
import dev.lockplane.postgres.LocalPostgres;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A golden that stays fresh: a streaming hot standby of the source server, on a volume of its own,
 * kept running while the manager is open. Each snapshot freezes the standby's volume, then turns a
 * clone of that frozen state into an ordinary primary data directory (the standby settings gone,
 * Lockplane's superuser password set, password authentication) on a volume of its own, whose
 * storage snapshot becomes the golden that new clones copy. Existing clones keep the snapshot they
 * were made from; older goldens become ordinary snapshots, pruned by the manager's retention.
 */
final class StandbyGolden implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(StandbyGolden.class.getName());
  private static final DateTimeFormatter NAME = DateTimeFormatter.ofPattern("'s'yyyyMMdd'-'HHmmssSSS").withZone(ZoneOffset.UTC);

  private final Manager m;
  private final BaseBackup.Source src;
  private final String volume;
  private final Path secrets;
  private volatile LocalPostgres server;
  private volatile Instant backupEnd;
  /** While the standby is stopped for a snapshot: not a problem, and its data is from the last status read. */
  private volatile boolean paused;
  private volatile Instant lastDataStateAt;
  private ScheduledExecutorService timer;

  private StandbyGolden(Manager m, BaseBackup.Source src, String volume) {
    this.m = m;
    this.src = src;
    this.volume = volume;
    this.secrets = m.storeLock.runtimeDirectory().resolve("standby-" + volume);
  }

  /** Starts (or builds) the standby, takes a first snapshot as the golden, and starts the schedule. */
  static StandbyGolden open(Manager m) {
    Golden.FromServer fs = (Golden.FromServer) m.cfg.golden();
    String slot = m.cfg.standbySlot();
    StandbyGolden s = new StandbyGolden(m, BaseBackup.Source.of(fs),
        "standby-" + GoldenBuilder.volumeFor(m.cfg).substring("golden-".length()) + (slot == null ? "" : "-" + slot));
    try {
      s.startOrBuild();
      s.snapshot();
      s.schedule();
      return s;
    } catch (RuntimeException e) {
      s.close();
      throw e;
    }
  }

  private void startOrBuild() {
    if (src.tls() != null && src.tls().verifies()) {
      rootCertificates(); // refused before a base backup is taken for nothing
    }
    Path data = m.storage.exists(volume) ? m.storage.path(volume).resolve("data") : null;
    if (data != null && Files.isRegularFile(data.resolve("standby.signal"))) {
      m.cfg.listener().progress("golden", "restarting the standby on " + volume);
      // until it streams again, its data is no newer than the last snapshot taken of it
      backupEnd = lastKnownDataTime();
      server = start(data);
      return;
    }
    if (m.storage.exists(volume)) {
      m.storage.destroy(volume); // left by a build that did not finish
    }
    try {
      data = m.storage.create(volume).resolve("data");
      int major = BaseBackup.probe(src);
      GoldenLoader.checkVersion(m.cfg, major, "the source " + src);
      m.cfg.listener().progress("golden", "base backup of " + src + " for a standby"
          + (m.cfg.standbySlot() == null ? "" : " with replication slot " + m.cfg.standbySlot()));
      backupEnd = BaseBackup.run(src, major, data, m.cfg.standbySlot());
      ClusterAdoption.prepareStandby(data, src.user(), secrets.resolve("password"));
      server = start(data);
    } catch (RuntimeException e) {
      try {
        m.storage.destroy(volume);
      } catch (RuntimeException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
  }

  /** The data time of the store's current golden (the standby's last snapshot), or the epoch. */
  private Instant lastKnownDataTime() {
    synchronized (m) {
      Registry.SnapshotRecord golden = m.snapshots.get(Manager.GOLDEN);
      return golden == null ? Instant.EPOCH : golden.dataState();
    }
  }

  /**
   * Starts the standby. The walreceiver reads the password from a passfile outside the volume, and
   * Lockplane logs in as the replication role, whose password the standby has from the source.
   */
  private LocalPostgres start(Path data) {
    writeSecrets();
    LocalPostgres.Builder b = LocalPostgres.builder()
        .version(m.cfg.version())
        .dataDirectory(data)
        .runtimeDirectory(m.storeLock.runtimeDirectory())
        .superuser(src.user())
        .durable(true)
        .startTimeout(m.cfg.startTimeout())
        .setting("hot_standby", "on")
        .setting("primary_conninfo", "host=" + src.host() + " port=" + src.port() + " user=" + src.user()
            + " passfile=" + secrets.resolve("pgpass") + " application_name=lockplane_standby" + standbyTls());
    if (m.cfg.standbySlot() != null) {
      b.setting("primary_slot_name", m.cfg.standbySlot());
    }
    BaseBackup.hotStandbySettings(src).forEach(b::setting);
    return b.start();
  }

  /**
   * The standby's TLS to its source, as the golden's URL asks: its {@code sslmode}, for a verifying
   * mode a copy of {@code sslrootcert}'s file beside the passfile (the standby's libpq cannot read
   * the JVM's trust store, so such a mode needs the file), and a client certificate's copy there
   * too, its key unencrypted PEM (the server cannot be asked for {@code sslpassword}), readable by
   * the server's account only.
   */
  private String standbyTls() {
    if (src.tls() == null) {
      return "";
    }
    String out = " sslmode=" + src.tls().mode().libpqName();
    if (src.tls().client() != null) {
      out += " sslcert=" + secrets.resolve("client.crt") + " sslkey=" + secrets.resolve("client.key");
    }
    return src.tls().verifies() ? out + " sslrootcert=" + secrets.resolve("root.crt") : out;
  }

  /**
   * The root certificate file a verifying standby checks its source with: the standby's own
   * connection cannot use the JVM's trust store, so the URL must name a file.
   */
  private Path rootCertificates() {
    return src.tls().rootFile().orElseThrow(() -> new LockplaneException(ErrorCode.INVALID_CONFIGURATION,
        "A standby golden that checks its source's certificate (sslmode=" + src.tls().mode().libpqName() + ") needs"
            + " sslrootcert=FILE in the source's URL: the standby's own connection cannot use the JVM's trust store."));
  }

  private void writeSecrets() {
    try {
      Files.createDirectories(secrets);
      Posix.chmod(secrets, "rwx------");
      if (src.tls() != null && src.tls().verifies()) {
        Files.copy(rootCertificates(), secrets.resolve("root.crt"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      }
      if (src.tls() != null && src.tls().client() != null) {
        src.tls().client().writePem(secrets.resolve("client.crt"), secrets.resolve("client.key"));
      }
      Path pgpass = secrets.resolve("pgpass");
      String pw = src.password() == null ? "" : src.password();
      Files.writeString(pgpass, "*:*:*:*:" + pw.replace("\\", "\\\\").replace(":", "\\:") + "\n", StandardCharsets.UTF_8);
      Files.writeString(secrets.resolve("password"), pw, StandardCharsets.UTF_8);
      for (Path p : List.of(pgpass, secrets.resolve("password"))) {
        Posix.chmod(p, "rw-------");
      }
      Posix.chownTree(secrets, Posix.serverUser(null));
    } catch (IOException e) {
      throw new LockplaneException(ErrorCode.IO_ERROR, "Cannot write the standby's credentials under " + secrets + ": " + e, e);
    }
  }

  private void schedule() {
    if (m.cfg.snapshotEvery() == null) {
      return;
    }
    long every = m.cfg.snapshotEvery().toMillis();
    timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "lockplane-standby-snapshots");
      t.setDaemon(true);
      return t;
    });
    timer.scheduleWithFixedDelay(() -> {
      try {
        snapshot();
      } catch (RuntimeException ex) {
        // the status shows the problem; the next turn tries again
        LOG.log(Level.WARNING, "Scheduled snapshot of the standby golden failed: " + ex.getMessage());
      }
    }, every, every, TimeUnit.MILLISECONDS);
  }

  /** Reads the standby's replication state. */
  StandbyStatus status() {
    Instant now = Instant.now();
    if (paused) {
      return new StandbyStatus(src.toString(), false, null, null, lastDataStateAt == null ? backupEnd : lastDataStateAt, now, null);
    }
    String problem = problem();
    LocalPostgres s = server;
    if (s == null || !s.isRunning()) {
      return new StandbyStatus(src.toString(), false, null, null, backupEnd, now,
          problem != null ? problem : "The standby server is not running.");
    }
    // Caught up means the standby has replayed all the WAL the source had flushed when asked (the
    // standby's own receive position cannot tell: right after a restart it is the start of the
    // segment streaming resumed from, and the receiver's details are hidden from a role without
    // pg_read_all_stats). The source is asked first, so "now" is never later than what it said.
    Instant asked = Instant.now();
    String sourceFlush = BaseBackup.flushLsn(src);
    try (Connection c = s.connect("postgres"); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT pg_last_wal_receive_lsn()::text, pg_last_wal_replay_lsn()::text,"
            + " pg_last_xact_replay_timestamp(),"
            + (sourceFlush == null ? " false," : " pg_last_wal_replay_lsn() >= '" + sourceFlush.replace("'", "") + "'::pg_lsn,")
            + " (SELECT count(*) FROM pg_stat_wal_receiver WHERE pid IS NOT NULL) > 0")) {
      rs.next();
      Timestamp replayed = rs.getTimestamp(3);
      boolean caughtUp = rs.getBoolean(4);
      boolean streaming = rs.getBoolean(5) && problem == null;
      // Caught up, the standby holds what the source held when it was asked; otherwise its data is
      // from the last transaction it applied (or from the base backup).
      Instant dataStateAt = caughtUp ? asked
          : replayed != null ? max(replayed.toInstant(), backupEnd) : backupEnd;
      lastDataStateAt = dataStateAt;
      return new StandbyStatus(src.toString(), streaming, rs.getString(1), rs.getString(2), dataStateAt, Instant.now(), problem);
    } catch (SQLException | LockplaneException e) {
      // LocalPostgres.connect fails with a LockplaneException: the standby may be stopping for a
      // snapshot that began after the check above
      if (paused) {
        return new StandbyStatus(src.toString(), false, null, null, lastDataStateAt == null ? backupEnd : lastDataStateAt,
            now, null);
      }
      return new StandbyStatus(src.toString(), false, null, null, backupEnd, now,
          problem != null ? problem : "The standby cannot be queried: " + e.getMessage());
    }
  }

  private static Instant max(Instant a, Instant b) {
    return a.isAfter(b) ? a : b;
  }

  /** Finds, in the standby's log, the reasons it cannot follow the source that need a person. */
  private String problem() {
    LocalPostgres s = server;
    if (s == null) {
      return null;
    }
    String log;
    try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(s.serverLog().toFile(), "r")) {
      // the walreceiver logs its failure again at every retry: the log's tail is enough
      long from = Math.max(0, f.length() - 64 * 1024);
      byte[] tail = new byte[(int) (f.length() - from)];
      f.seek(from);
      f.readFully(tail);
      log = new String(tail, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return null;
    }
    String slot = m.cfg.standbySlot();
    if (slot != null && log.contains("replication slot \"" + slot + "\" does not exist")) {
      return "The replication slot '" + slot + "' was removed on the source " + src + ", so the standby no longer"
          + " receives changes and new snapshots would be stale. Destroy the standby volume " + volume + " (or start"
          + " the manager with another slot name) to build a new standby.";
    }
    if (log.contains("requested WAL segment") && log.contains("has already been removed")) {
      return "The source " + src + " removed WAL the standby still needed, so it no longer receives changes. Use a"
          + " replication slot (standby(slot)) and destroy the standby volume " + volume + " to build a new standby.";
    }
    return null;
  }

  /**
   * Takes a snapshot of the standby and makes it the golden.
   *
   * <p>How the standby's files are frozen consistently: on ZFS a snapshot is atomic, so after a
   * {@code CHECKPOINT} (a restartpoint on a standby, which keeps the recovery of the copy short)
   * the running standby is snapshotted as it is, crash-consistent, like a power cut. Other stores
   * copy file by file while the server would go on writing, so the standby is stopped (a clean
   * shutdown in recovery), snapshotted and started again; it then resumes streaming where it
   * stopped. Either way the copy is then started once without {@code standby.signal}: it replays
   * what WAL it has and becomes a primary, stopped cleanly before the golden snapshot.
   */
  synchronized Snapshot snapshot() {
    StandbyStatus st = status();
    if (!st.healthy()) {
      throw new LockplaneException(ErrorCode.DATABASE_ERROR, "Cannot snapshot the standby golden: " + st.problem());
    }
    collect();
    String name = NAME.format(Instant.now());
    m.cfg.listener().progress("golden", "snapshot " + name + " of the standby (data from " + st.dataStateAt() + ")");
    Path data = m.storage.path(volume).resolve("data");
    if (m.storage.method() == CopyMethod.ZFS_CLONE) {
      try (Connection c = server.connect("postgres"); Statement s = c.createStatement()) {
        s.execute("CHECKPOINT");
      } catch (SQLException ex) {
        // without the restartpoint the snapshot is still crash-consistent, only slower to recover
      }
      m.storage.snapshot(volume, name);
    } else {
      paused = true;
      try {
        server.close();
        m.storage.snapshot(volume, name);
      } finally {
        server = start(data);
        paused = false;
      }
    }
    String golden = "golden-" + name;
    try {
      promote(name, golden);
    } finally {
      // the golden volume is a copy of its own on copy and reflink stores; on ZFS it depends on this snapshot
      try {
        m.storage.destroySnapshot(volume, name);
      } catch (RuntimeException kept) {
        LOG.log(Level.DEBUG, "Standby snapshot " + name + " kept while " + golden + " uses it");
      }
    }
    return install(golden, GoldenBuilder.SNAPSHOT, "standby of " + src + " as " + src.user(), st.dataStateAt());
  }

  /**
   * Makes a new storage snapshot the golden; the previous golden stays as an ordinary snapshot
   * (named after its volume) for the clones made from it, until the retention removes it.
   */
  private Snapshot install(String volume, String storageSnapshot, String description, Instant dataStateAt) {
    Registry.SnapshotRecord fresh = new Registry.SnapshotRecord(
        Manager.GOLDEN, volume, storageSnapshot, Instant.now().toString(), description, true, null, dataStateAt.toString());
    synchronized (m) {
      Registry.SnapshotRecord old = m.snapshots.get(Manager.GOLDEN);
      if (old != null) {
        String renamed = old.volume();
        m.snapshots.put(renamed, new Registry.SnapshotRecord(renamed, old.volume(), old.storageSnapshot(), old.createdAt(),
            old.description(), false, old.goldenHash(), old.dataStateAt()));
        for (Entry e : m.clones.values()) {
          if (Manager.GOLDEN.equals(e.snapshotName)) {
            e.snapshotName = renamed;
          }
        }
        // the volume goes with the last snapshot of it
        if (!m.retired.contains(old.volume())) {
          m.retired.add(old.volume());
        }
      }
      m.snapshots.put(Manager.GOLDEN, fresh);
    }
    m.save();
    m.pruneSnapshots();
    return Manager.toSnapshot(fresh);
  }

  /** Removes the standby's storage snapshots whose golden volume is gone (ZFS keeps them while it exists). */
  private void collect() {
    for (String snap : m.storage.snapshots(volume)) {
      if (!m.storage.exists("golden-" + snap)) {
        try {
          m.storage.destroySnapshot(volume, snap);
        } catch (RuntimeException e) {
          LOG.log(Level.DEBUG, "Standby snapshot " + snap + " kept: " + e.getMessage());
        }
      }
    }
  }

  /** Turns a frozen state of the standby into a primary's data directory and snapshots it. */
  private void promote(String snapshot, String golden) {
    if (m.storage.exists(golden)) {
      m.storage.destroy(golden);
    }
    Path data = m.storage.clone(volume, snapshot, golden).resolve("data");
    try {
      Files.deleteIfExists(data.resolve("standby.signal"));
      boolean foreign = ClusterAdoption.prepare(data);
      LocalPostgres.Builder b = LocalPostgres.builder()
          .version(m.cfg.version())
          .dataDirectory(data)
          .runtimeDirectory(m.storeLock.runtimeDirectory())
          .durable(false)
          .startTimeout(m.cfg.startTimeout());
      m.cfg.settings().forEach(b::setting);
      try (LocalPostgres pg = b.start()) {
        m.cfg.listener().progress("golden", "the standby's copy became a primary");
      }
      if (foreign) {
        ClusterAdoption.finish(data);
      }
      Files.deleteIfExists(data.resolve("postmaster.pid"));
      m.storage.snapshot(golden, GoldenBuilder.SNAPSHOT);
    } catch (IOException | RuntimeException e) {
      try {
        m.storage.destroy(golden);
      } catch (RuntimeException suppressed) {
        e.addSuppressed(suppressed);
      }
      if (e instanceof RuntimeException re) {
        throw re;
      }
      throw new LockplaneException(ErrorCode.IO_ERROR, "Cannot prepare the golden " + golden + " from the standby: " + e, e);
    }
  }

  @Override
  public void close() {
    if (timer != null) {
      timer.shutdown(); // a snapshot under way finishes; no new one starts
      try {
        timer.awaitTermination(60, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    synchronized (this) {
      if (server != null) {
        server.close();
      }
      // the credentials are written anew at every start of the standby
      dev.lockplane.internal.fs.FileTrees.deleteQuietly(secrets);
    }
  }
}
