package dev.lockplane.internal.postgres;

import dev.lockplane.ErrorCode;
import dev.lockplane.LockplaneException;
import dev.lockplane.ServerException;
import dev.lockplane.internal.fs.FileTrees;
import dev.lockplane.internal.os.OsUser;
import dev.lockplane.internal.os.Posix;
import dev.lockplane.postgres.Installation;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import jnr.constants.platform.Signal;

/** One running postmaster: start, readiness, stop, and the records that let a reaper find it. */
public final class ServerProcess {
  private static final System.Logger LOG = System.getLogger(ServerProcess.class.getName());
  private static final Set<ServerProcess> LIVE = ConcurrentHashMap.newKeySet();
  private static final Set<Path> REAPED = ConcurrentHashMap.newKeySet();
  private static final AtomicBoolean HOOK = new AtomicBoolean();
  private static final int PORT_ATTEMPTS = 5;

  /**
   * Everything needed to start a server.
   *
   * @param installation the binaries
   * @param cacheDir the shared cache
   * @param runtimeDir the runtime directory
   * @param dataDirectory a persistent data directory, or {@code null} for a temporary one
   * @param port a fixed port, or {@code null}
   * @param portFrom the lowest port to choose from
   * @param portTo the highest port to choose from
   * @param settings server settings
   * @param superuser the superuser's name
   * @param osUser the account to run as when root, or {@code null} for the default
   * @param startTimeout how long to wait for readiness
   * @param memoryRoot the tmpfs under which a temporary server's memory directory goes
   */
  public record Config(
      Installation installation,
      Path cacheDir,
      Path runtimeDir,
      Path dataDirectory,
      Integer port,
      int portFrom,
      int portTo,
      Map<String, String> settings,
      String superuser,
      String osUser,
      Duration startTimeout,
      Path memoryRoot) {}

  private final Config config;
  private final Path instanceDir;
  private final Path dataDir;
  private final Path logFile;
  private final boolean ephemeral;
  private final OsUser user;
  private final int port;
  private final String password;
  private final Process process;
  private final AtomicBoolean stopped = new AtomicBoolean();
  private final MemoryDirectories memory;

  private ServerProcess(
      Config config, Path instanceDir, Path dataDir, Path logFile, boolean ephemeral, OsUser user,
      int port, String password, Process process) {
    this.config = config;
    this.instanceDir = instanceDir;
    this.dataDir = dataDir;
    this.logFile = logFile;
    this.ephemeral = ephemeral;
    this.user = user;
    this.port = port;
    this.password = password;
    this.process = process;
    this.memory = new MemoryDirectories(ephemeral ? config.memoryRoot() : null, instanceDir, user);
  }

  /** Stops abandoned servers under a runtime directory; see {@link Reaper#reap}. */
  public static int reap(Path runtimeDir) {
    return Reaper.reap(runtimeDir);
  }

  /**
   * Starts a server.
   *
   * @param config the configuration
   * @return the running server
   */
  public static ServerProcess start(Config config) {
    if (REAPED.add(config.runtimeDir())) {
      long t0 = System.nanoTime();
      int n = Reaper.reap(config.runtimeDir());
      LOG.log(Level.DEBUG, "Reaped {0} abandoned servers in {1} ms", n, (System.nanoTime() - t0) / 1_000_000);
    }
    OsUser user = Posix.serverUser(config.osUser());
    Installation inst = config.installation();
    Path instanceDir;
    try {
      Path instances = LockplaneDirectories.ensureShared(config.runtimeDir().resolve("instances"));
      LockplaneDirectories.ensureShared(config.runtimeDir());
      instanceDir = instances.resolve("pg" + inst.majorVersion() + "-" + UUID.randomUUID().toString().substring(0, 8));
      Files.createDirectories(instanceDir);
      if (Posix.isRoot()) {
        Posix.chmod(instanceDir, "rwxr-xr-x");
      }
      Path sock = instanceDir.resolve("socket");
      Files.createDirectories(sock);
      Posix.chmod(sock, "rwx------");
      Posix.chown(sock, user);
    } catch (IOException e) {
      throw ClusterCache.ioFailure("Cannot create the runtime directory under " + config.runtimeDir(), config.runtimeDir(), e);
    }

    boolean ephemeral = config.dataDirectory() == null;
    Path dataDir = ephemeral ? instanceDir.resolve("data") : config.dataDirectory();
    Path logFile = instanceDir.resolve("server.log");
    try {
      long t0 = System.nanoTime();
      prepareDataDirectory(config, user, dataDir);
      String password = readPassword(dataDir);
      LOG.log(Level.DEBUG, "Data directory {0} ready in {1} ms", dataDir, (System.nanoTime() - t0) / 1_000_000);

      ServerException last = null;
      for (int attempt = 0; attempt < (config.port() != null ? 1 : PORT_ATTEMPTS); attempt++) {
        int port = config.port() != null ? config.port() : freePort(config.portFrom(), config.portTo());
        if (config.port() != null && !Postmasters.portFree(port)) {
          throw new ServerException(
              ErrorCode.PORT_IN_USE,
              "Port " + port + " on 127.0.0.1 is already in use by another process. Choose another"
                  + " port, or drop port(...) to let Lockplane choose a free one.",
              null, null);
        }
        try {
          long launched = System.nanoTime();
          ServerProcess s = launch(config, instanceDir, dataDir, logFile, ephemeral, user, port, password);
          s.register();
          LOG.log(Level.DEBUG, "Server on port {0} accepted connections {1} ms after launch", port, (System.nanoTime() - launched) / 1_000_000);
          return s;
        } catch (ServerException e) {
          last = e;
          if (e.code() != ErrorCode.PORT_IN_USE || config.port() != null) {
            throw e;
          }
          LOG.log(Level.DEBUG, "Port {0} was taken while starting; trying another", port);
        }
      }
      throw last;
    } catch (RuntimeException e) {
      if (ephemeral) {
        FileTrees.deleteQuietly(instanceDir);
      } else {
        // keep the log of a persistent cluster's failed start next to nothing else of ours, and
        // nothing at all when the start failed before the server wrote one
        FileTrees.deleteQuietly(instanceDir.resolve("socket"));
        try {
          Files.deleteIfExists(instanceDir);
        } catch (IOException holdsTheLog) {
          // not empty: the log stays for the message that names it
        }
      }
      throw e;
    }
  }

  private static void prepareDataDirectory(Config config, OsUser user, Path dataDir) {
    Installation inst = config.installation();
    checkReachable(dataDir, user);
    Path pgVersion = dataDir.resolve("PG_VERSION");
    if (Files.isRegularFile(pgVersion)) {
      String v;
      try {
        v = Files.readString(pgVersion).trim();
      } catch (IOException e) {
        throw new LockplaneException(ErrorCode.IO_ERROR, "Cannot read " + pgVersion + ": " + e, e);
      }
      if (!v.equals(String.valueOf(inst.majorVersion()))) {
        throw new LockplaneException(
            ErrorCode.INVALID_CONFIGURATION,
            "Data directory " + dataDir + " holds a PostgreSQL " + v + " cluster, but the binaries are "
                + inst.version() + ". Ask for version(" + v + ") or use another data directory.");
      }
      checkNotInUse(dataDir);
      if (!Files.isRegularFile(dataDir.resolve(ClusterCache.PASSWORD_FILE))) {
        throw new LockplaneException(
            ErrorCode.INVALID_CONFIGURATION,
            "Data directory " + dataDir + " was not created by Lockplane (no " + ClusterCache.PASSWORD_FILE
                + "). Point dataDirectory(...) at an empty directory, or at one Lockplane created.");
      }
    } else {
      new ClusterCache(config.cacheDir()).createDataDirectory(inst, config.superuser(), user, dataDir);
      rotatePasswordOnFirstStart(dataDir, user);
    }
  }

  /**
   * When the server runs as another user (the JVM is root), every existing ancestor of the data
   * directory must be searchable by that user; otherwise the server dies with a bare "Permission
   * denied". Say so before starting, with the directory to fix.
   */
  private static void checkReachable(Path dataDir, OsUser user) {
    if (!Posix.isRoot()) {
      return;
    }
    for (Path p = dataDir.toAbsolutePath().getParent(); p != null; p = p.getParent()) {
      if (!Files.isDirectory(p)) {
        continue;
      }
      try {
        int uid = (Integer) Files.getAttribute(p, "unix:uid");
        int gid = (Integer) Files.getAttribute(p, "unix:gid");
        int mode = (Integer) Files.getAttribute(p, "unix:mode");
        boolean ok = uid == user.uid() ? (mode & 0100) != 0 : gid == user.gid() ? (mode & 0010) != 0 : (mode & 0001) != 0;
        if (!ok) {
          throw new LockplaneException(
              ErrorCode.INVALID_CONFIGURATION,
              "The server runs as user '" + user.name() + "' (PostgreSQL refuses to run as root), which cannot"
                  + " reach data directory " + dataDir + ": " + p + " is not searchable by it (mode "
                  + Integer.toOctalString(mode & 0777) + "). Run 'chmod o+x " + p + "', or choose a data"
                  + " directory outside it.");
        }
      } catch (IOException | UnsupportedOperationException e) {
        return; // cannot tell: let the server try
      }
    }
  }

  /** Marks a fresh copy so that the first start replaces the cached cluster's password. */
  private static void rotatePasswordOnFirstStart(Path dataDir, OsUser user) {
    try {
      Path marker = dataDir.resolve("lockplane.rotate");
      Files.writeString(marker, "1");
      Posix.chown(marker, user);
    } catch (IOException e) {
      throw ClusterCache.ioFailure("Cannot write into " + dataDir, dataDir, e);
    }
  }

  private static void checkNotInUse(Path dataDir) {
    Path pidFile = dataDir.resolve("postmaster.pid");
    if (!Files.isRegularFile(pidFile)) {
      return;
    }
    try {
      List<String> lines = Files.readAllLines(pidFile);
      long pid = Long.parseLong(lines.get(0).trim());
      if (Postmasters.isPostmasterOf(pid, dataDir)) {
        String port = lines.size() > 3 ? lines.get(3).trim() : "?";
        throw new ServerException(
            ErrorCode.DATA_DIRECTORY_IN_USE,
            "Data directory " + dataDir + " is in use by a running PostgreSQL server (pid " + pid
                + ", port " + port + "). Stop that server first, or use another data directory.",
            null, null);
      }
    } catch (IOException | RuntimeException e) {
      if (e instanceof ServerException se) {
        throw se;
      }
      // a stale or unreadable pid file: PostgreSQL itself checks it again
    }
  }

  private static String readPassword(Path dataDir) {
    try {
      return Files.readString(dataDir.resolve(ClusterCache.PASSWORD_FILE)).trim();
    } catch (IOException e) {
      throw new LockplaneException(ErrorCode.IO_ERROR, "Cannot read the password file in " + dataDir + ": " + e, e);
    }
  }

  private static ServerProcess launch(
      Config config, Path instanceDir, Path dataDir, Path logFile, boolean ephemeral, OsUser user,
      int port, String password) {
    Installation inst = config.installation();
    Map<String, String> all = new LinkedHashMap<>();
    all.put("port", String.valueOf(port));
    all.put("listen_addresses", "127.0.0.1");
    all.put("unix_socket_directories", instanceDir.resolve("socket").toString());
    all.putAll(config.settings());
    try {
      StringBuilder conf = new StringBuilder("# Written by Lockplane before each start.\n");
      for (Map.Entry<String, String> e : all.entrySet()) {
        conf.append(e.getKey()).append(" = '").append(e.getValue().replace("'", "''")).append("'\n");
      }
      Path confFile = dataDir.resolve(ClusterCache.SETTINGS_FILE);
      Files.writeString(confFile, conf.toString(), StandardCharsets.UTF_8);
      Posix.chown(confFile, user);
    } catch (IOException e) {
      throw ClusterCache.ioFailure("Cannot write settings into " + dataDir, dataDir, e);
    }

    List<String> cmd = new ArrayList<>(Posix.runAs(user));
    cmd.add(inst.binDirectory().resolve("postgres").toString());
    cmd.add("-D");
    cmd.add(dataDir.toString());
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().put("LC_ALL", "C");
    pb.environment().put("TZ", "UTC");
    if (!Posix.runAs(user).isEmpty()) {
      // the server's own connections (a standby's walreceiver, postgres_fdw) look for libpq's files
      // under $HOME: not the JVM user's, which the server's user may not read ("could not open
      // certificate file /root/.postgresql/postgresql.crt: Permission denied"), but its instance's
      pb.environment().put("HOME", instanceDir.toString());
    }
    pb.directory(dataDir.toFile());
    pb.redirectErrorStream(true);
    pb.redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
    pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    long logStart = size(logFile);
    Process p;
    try {
      p = pb.start();
    } catch (IOException e) {
      throw new ServerException(
          ErrorCode.SERVER_START_FAILED,
          "Cannot run " + cmd + ": " + e + (Posix.isRoot() ? ". The 'setpriv' command (util-linux) is needed when running as root." : ""),
          logFile.toString(), e);
    }

    long deadline = System.nanoTime() + config.startTimeout().toNanos();
    Path pidFile = dataDir.resolve("postmaster.pid");
    while (true) {
      if (!p.isAlive()) {
        throw startFailure(config, logFile, logStart, dataDir, port, "exited with code " + p.exitValue() + " while starting");
      }
      if (isReady(pidFile)) {
        String pw = password;
        try {
          pw = firstStart(dataDir, user, port, config.superuser(), password);
          ServerProcess s = new ServerProcess(config, instanceDir, dataDir, logFile, ephemeral, user, port, pw, p);
          return s;
        } catch (SQLException e) {
          // retry only what a server that is still starting answers (refused, cannot connect now)
          String state = String.valueOf(e.getSQLState());
          boolean starting = state.startsWith("08") || state.equals("57P03");
          if (!starting || System.nanoTime() > deadline) {
            stopProcess(p);
            throw startFailure(config, logFile, logStart, dataDir, port, "accepted no connection: " + e.getMessage());
          }
        }
      }
      if (System.nanoTime() > deadline) {
        stopProcess(p);
        throw startFailure(config, logFile, logStart, dataDir, port,
            "did not accept connections within " + config.startTimeout().toSeconds() + " s");
      }
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        stopProcess(p);
        Thread.currentThread().interrupt();
        throw new ServerException(ErrorCode.SERVER_START_FAILED, "Interrupted while starting PostgreSQL", logFile.toString(), e);
      }
    }
  }

  /** Connects once; on a fresh copy of the cached cluster, replaces the shared password. */
  private static String firstStart(Path dataDir, OsUser user, int port, String superuser, String password)
      throws SQLException {
    Path marker = dataDir.resolve("lockplane.rotate");
    try (Connection c = connect(port, "postgres", superuser, password)) {
      if (!Files.exists(marker)) {
        return password;
      }
      String fresh = ClusterCache.newPassword();
      try (Statement st = c.createStatement()) {
        st.execute("ALTER ROLE \"" + superuser + "\" PASSWORD '" + fresh + "'");
      }
      try {
        Path pw = dataDir.resolve(ClusterCache.PASSWORD_FILE);
        Path tmp = dataDir.resolve(ClusterCache.PASSWORD_FILE + ".tmp");
        Files.writeString(tmp, fresh, StandardCharsets.UTF_8);
        Posix.chmod(tmp, "rw-------");
        Posix.chown(tmp, user);
        Files.move(tmp, pw, java.nio.file.StandardCopyOption.ATOMIC_MOVE, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Files.delete(marker);
      } catch (IOException e) {
        throw new LockplaneException(ErrorCode.IO_ERROR, "Cannot store the new password in " + dataDir + ": " + e, e);
      }
      return fresh;
    }
  }

  private static Connection connect(int port, String db, String user, String password) throws SQLException {
    Properties props = new Properties();
    props.setProperty("user", user);
    props.setProperty("password", password);
    props.setProperty("connectTimeout", "5");
    props.setProperty("ApplicationName", "lockplane");
    // the driver itself, not DriverManager: DriverManager finds drivers through the thread's context
    // class loader, which in containers and shaded applications may not see this one
    Connection c = new org.postgresql.Driver().connect("jdbc:postgresql://127.0.0.1:" + port + "/" + db, props);
    if (c == null) {
      throw new SQLException("the PostgreSQL driver refused the URL", "08001");
    }
    return c;
  }

  private static boolean isReady(Path pidFile) {
    try {
      if (!Files.isRegularFile(pidFile)) {
        return false;
      }
      List<String> lines = Files.readAllLines(pidFile);
      return lines.size() >= 8 && lines.get(7).trim().equals("ready");
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  private static ServerException startFailure(
      Config config, Path logFile, long logStart, Path dataDir, int port, String what) {
    String log = Postmasters.logTail(logFile, logStart, 40);
    ErrorCode code = ErrorCode.SERVER_START_FAILED;
    String advice = "Read the server log below; fix the setting or the data directory it names.";
    if (log.contains("Address already in use") || log.contains("could not bind")) {
      code = ErrorCode.PORT_IN_USE;
      advice = "Port " + port + " is taken; choose another port, or let Lockplane choose one.";
    } else if (log.contains("No space left on device")) {
      code = ErrorCode.DISK_FULL;
      advice = "The filesystem of " + dataDir + " is full; free space there.";
    } else if (log.contains("lock file \"postmaster.pid\" already exists")) {
      code = ErrorCode.DATA_DIRECTORY_IN_USE;
      advice = "Another server uses " + dataDir + "; stop it first.";
    } else if (log.contains("PANIC") || log.contains("terminated by signal")) {
      code = ErrorCode.SERVER_CRASHED;
      advice = "The server crashed while starting; the log below says why.";
    }
    return new ServerException(
        code,
        "PostgreSQL " + config.installation().version() + " (data " + dataDir + ", port " + port + ") "
            + what + ". " + advice + "\n--- server log " + logFile + " ---\n" + log,
        logFile.toString(), null);
  }

  private static long size(Path f) {
    try {
      return Files.exists(f) ? Files.size(f) : 0;
    } catch (IOException e) {
      return 0;
    }
  }

  private static int freePort(int from, int to) {
    int span = to - from + 1;
    int startAt = ThreadLocalRandom.current().nextInt(span);
    for (int i = 0; i < span; i++) {
      int port = from + (startAt + i) % span;
      if (Postmasters.portFree(port)) {
        return port;
      }
    }
    throw new ServerException(
        ErrorCode.PORT_IN_USE,
        "No free TCP port in " + from + "-" + to + " on 127.0.0.1. Widen portRange(...).", null, null);
  }

  private void register() {
    try {
      Reaper.write(
          instanceDir,
          new InstanceRecord(
              ProcessHandle.current().pid(), Reaper.currentOwnerStart(), process.pid(), port,
              dataDir.toString(), ephemeral));
    } catch (IOException e) {
      LOG.log(Level.WARNING, "Cannot record server in " + instanceDir + "; a killed JVM would leave it running: " + e);
    }
    LIVE.add(this);
    if (HOOK.compareAndSet(false, true)) {
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        for (ServerProcess s : List.copyOf(LIVE)) {
          s.stop();
        }
      }, "lockplane-postgres-shutdown"));
    }
    LOG.log(Level.DEBUG, "Started PostgreSQL {0} on port {1}, data {2}", config.installation().version(), port, dataDir);
  }

  /** Stops the server: fast shutdown, then immediate, then kill. Safe to call twice. */
  public void stop() {
    if (!stopped.compareAndSet(false, true)) {
      return;
    }
    LIVE.remove(this);
    stopProcess(process);
    // a server killed before (or by) this stop left its shared memory behind
    SharedMemory.releaseLeftBy(dataDir);
    memory.delete();
    // a kept data directory lives elsewhere; the runtime directory holds nothing worth keeping
    FileTrees.deleteQuietly(instanceDir);
  }

  private static void stopProcess(Process p) {
    if (!p.isAlive()) {
      return;
    }
    try {
      Posix.kill(p.pid(), Signal.SIGINT);
      if (p.waitFor(30, TimeUnit.SECONDS)) {
        return;
      }
      Posix.kill(p.pid(), Signal.SIGQUIT);
      if (p.waitFor(5, TimeUnit.SECONDS)) {
        return;
      }
      p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  public Installation installation() {
    return config.installation();
  }

  public int port() {
    return port;
  }

  public String superuser() {
    return config.superuser();
  }

  public String password() {
    return password;
  }

  public Path dataDirectory() {
    return dataDir;
  }

  public Path logFile() {
    return logFile;
  }

  public long pid() {
    return process.pid();
  }

  public Map<String, String> settings() {
    return Collections.unmodifiableMap(config.settings());
  }

  public boolean isRunning() {
    return !stopped.get() && process.isAlive();
  }

  /**
   * Returns a directory in memory, owned by the server's account, for a tablespace of databases
   * nobody keeps; made if absent, removed with everything else in memory when the server stops.
   *
   * @param name the directory's name: lower-case letters, digits and underscores
   * @return the directory; empty for a server whose data directory is kept, when the memory root is
   *     not a writable tmpfs, or once the server stopped
   */
  public java.util.Optional<Path> memoryDirectory(String name) {
    return stopped.get() ? java.util.Optional.empty() : memory.directory(name);
  }

  /** The account the server runs as. */
  public OsUser osUser() {
    return user;
  }
}
