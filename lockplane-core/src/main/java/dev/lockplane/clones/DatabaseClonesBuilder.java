package dev.lockplane.clones;

import dev.lockplane.ErrorCode;
import dev.lockplane.LockplaneException;
import dev.lockplane.clone.CloneManager;
import dev.lockplane.clone.CopyMethod;
import dev.lockplane.clone.Golden;
import dev.lockplane.internal.clone.DatabaseCloneManager;
import dev.lockplane.internal.clone.GoldenOptions;
import dev.lockplane.internal.clone.MemoryTablespace;
import dev.lockplane.internal.clone.ServerEndpoint;
import dev.lockplane.internal.fs.Reflinks;
import dev.lockplane.postgres.LocalPostgres;
import java.time.Duration;
import java.util.Objects;

/**
 * Configures database-level clones. Each setting may be given once.
 *
 * <p>The golden database is prepared when {@link #start()} runs — or reused, when the server already
 * holds a golden prepared from the same content (same scripts, byte for byte).
 */
public final class DatabaseClonesBuilder {
  private final LocalPostgres server;
  private final String jdbcUrl;
  private final String user;
  private final String password;
  private Golden golden;
  private CopyMethod method;
  private String prefix;
  private Integer connections;
  private Duration otherHostOrphans;
  private Duration refreshEvery;
  private Duration warnWhenOlderThan;
  private Boolean persistent;
  private Boolean inMemory;

  DatabaseClonesBuilder(LocalPostgres server) {
    this.server = server;
    this.jdbcUrl = null;
    this.user = null;
    this.password = null;
  }

  DatabaseClonesBuilder(String jdbcUrl, String user, String password) {
    this.server = null;
    this.jdbcUrl = jdbcUrl;
    this.user = user;
    this.password = password;
  }

  private static void once(Object current, String what) {
    if (current != null) {
      throw new LockplaneException(ErrorCode.INVALID_CONFIGURATION, what + " was already set to " + current + "; set it once.");
    }
  }

  /**
   * What the golden database holds (default: an empty database; for a {@linkplain #persistent
   * persistent} manager, the newest golden an earlier one prepared with the same prefix).
   *
   * @param golden the golden's description
   * @return this builder
   */
  public DatabaseClonesBuilder golden(Golden golden) {
    once(this.golden, "golden");
    this.golden = Objects.requireNonNull(golden, "golden");
    return this;
  }

  /**
   * How to copy: {@link CopyMethod#FILE_CLONE} (PostgreSQL 18 with {@code file_copy_method =
   * clone}), {@link CopyMethod#FILE_COPY} or {@link CopyMethod#WAL_LOG}. By default FILE_CLONE where
   * the server has it, else FILE_COPY.
   *
   * @param method the copy method
   * @return this builder
   */
  public DatabaseClonesBuilder copyMethod(CopyMethod method) {
    once(this.method, "copyMethod");
    this.method = Objects.requireNonNull(method, "method");
    return this;
  }

  /**
   * The prefix of the names of databases this manager creates (default {@code lp_}). Managers that
   * share a server at the same time need distinct prefixes when their clone names may collide.
   *
   * @param prefix lower-case letters, digits and {@code _}
   * @return this builder
   */
  public DatabaseClonesBuilder databasePrefix(String prefix) {
    once(this.prefix, "databasePrefix");
    if (!Objects.requireNonNull(prefix, "prefix").matches("[a-z][a-z0-9_]{0,19}")) {
      throw new LockplaneException(ErrorCode.INVALID_CONFIGURATION,
          "databasePrefix '" + prefix + "' is invalid: use 1 to 20 lower-case letters, digits or '_', starting with a letter.");
    }
    this.prefix = prefix;
    return this;
  }

  /**
   * How many administrative connections the manager keeps for creating and dropping databases
   * (default 4): the number of clone operations that run at the same moment.
   *
   * @param n 1 to 64
   * @return this builder
   */
  public DatabaseClonesBuilder adminConnections(int n) {
    once(this.connections, "adminConnections");
    if (n < 1 || n > 64) {
      throw new LockplaneException(ErrorCode.INVALID_CONFIGURATION, "adminConnections must be 1 to 64, not " + n + ".");
    }
    this.connections = n;
    return this;
  }

  /**
   * When the manager starts, it drops the databases that managers of dead processes left on the
   * server (see {@link Orphans}). Whether a process on another host is alive cannot be checked from
   * here, so by default the databases of other hosts are never dropped; with this setting they are
   * once their owner record is older than {@code age}.
   *
   * @param age a positive age, longer than any clone of another host lives
   * @return this builder
   */
  public DatabaseClonesBuilder orphansOfOtherHostsAfter(Duration age) {
    once(this.otherHostOrphans, "orphansOfOtherHostsAfter");
    Objects.requireNonNull(age, "age");
    if (age.isNegative() || age.isZero()) {
      throw new LockplaneException(ErrorCode.INVALID_CONFIGURATION, "orphansOfOtherHostsAfter must be positive, not " + age + ".");
    }
    this.otherHostOrphans = age;
    return this;
  }

  /**
   * Rebuilds the golden from its source every {@code period} in the background, as {@link
   * CloneManager#refreshGolden()} does: beside the current golden, switched to only once complete.
   * Meant for goldens read from a server ({@link Golden#fromServer}), whose data moves; a failed
   * refresh is logged and the current golden stays.
   *
   * <pre>{@code
   * CloneManager clones = CloneManagers.databases(pg)
   *     .golden(Golden.fromServer("postgres://prod:5432/shop", "reader", password))
   *     .refreshEvery(Duration.ofHours(6))
   *     .warnWhenOlderThan(Duration.ofDays(1))
   *     .start();
   * }</pre>
   *
   * @param period a positive period, the delay between the end of one refresh and the start of the next
   * @return this builder
   */
  public DatabaseClonesBuilder refreshEvery(Duration period) {
    once(this.refreshEvery, "refreshEvery");
    this.refreshEvery = positive(period, "refreshEvery");
    return this;
  }

  /**
   * Whether clones and snapshots outlive the manager (default false). A persistent manager records
   * its databases as kept from the start, {@link CloneManager#close()} leaves them, and the next
   * persistent manager with the same {@link #databasePrefix prefix} on the server finds them again —
   * list, reset, snapshot and destroy work across processes, the way the command line uses clones.
   * Without a {@link #golden golden} it uses the newest golden prepared with its prefix (and fails
   * with {@code NOT_FOUND} when there is none). Give persistent managers a prefix of their own.
   *
   * <pre>{@code
   * try (CloneManager clones = CloneManagers.databases(url, user, password)
   *     .databasePrefix("dev_").persistent(true).start()) {
   *   clones.get("alice").orElseThrow().reset();   // made by an earlier process
   * }
   * }</pre>
   *
   * @param persistent whether clones and snapshots outlive the manager
   * @return this builder
   */
  public DatabaseClonesBuilder persistent(boolean persistent) {
    once(this.persistent, "persistent");
    this.persistent = persistent;
    return this;
  }

  /**
   * Whether clones (and snapshots) live in a tablespace in memory, on a tmpfs, instead of the
   * server's data directory. On a filesystem without reflinks (ext4, ZFS) much of a small clone's
   * cost is creating and removing the few hundred files of a database: measured on ext4, a clone of a
   * 10 MB golden was made and dropped in about 26 ms in memory against 118 ms on disk (docs/clones.md
   * has the figures). Memory holds them only while the server runs: it is for throwaway clones.
   *
   * <p>By default clones go to memory when the server is a {@link LocalPostgres} with a temporary data
   * directory (no {@link LocalPostgres.Builder#dataDirectory dataDirectory}), its data directory has
   * no reflinks, no {@link #copyMethod copy method} was asked for, the manager is not {@linkplain
   * #persistent persistent}, and the memory has room for 16 copies of the golden;
   * otherwise they stay on disk. A clone that finds the memory full is made on disk instead, and the
   * manager keeps to the disk from then on.
   *
   * @param inMemory true to require memory (the manager fails to start, saying why, where it is not
   *     possible), false to keep clones on disk
   * @return this builder
   */
  public DatabaseClonesBuilder clonesInMemory(boolean inMemory) {
    once(this.inMemory, "clonesInMemory");
    this.inMemory = inMemory;
    return this;
  }

  /**
   * Logs a warning, once per golden, when a clone is made of a golden whose data (its {@link
   * dev.lockplane.clone.Snapshot#dataStateAt()}) is older than {@code age}, naming the golden and the
   * age of its data.
   *
   * @param age a positive age
   * @return this builder
   */
  public DatabaseClonesBuilder warnWhenOlderThan(Duration age) {
    once(this.warnWhenOlderThan, "warnWhenOlderThan");
    this.warnWhenOlderThan = positive(age, "warnWhenOlderThan");
    return this;
  }

  private static Duration positive(Duration d, String what) {
    Objects.requireNonNull(d, what);
    if (d.isNegative() || d.isZero()) {
      throw new LockplaneException(ErrorCode.INVALID_CONFIGURATION, what + " must be positive, not " + d + ".");
    }
    return d;
  }

  /**
   * Prepares the golden database (or reuses it) and returns the manager.
   *
   * @return a thread-safe manager; close it to drop its clones and snapshots
   * @throws dev.lockplane.ScriptException when a golden script fails, naming the script and line
   * @throws LockplaneException when a golden's source cannot be read or loaded (unreachable, refused,
   *     missing rights or tools), naming what is wrong; nothing of a failed golden is left behind
   */
  public CloneManager start() {
    boolean keep = persistent != null && persistent;
    Golden g = golden == null && !keep ? Golden.empty() : golden;
    String p = prefix == null ? "lp_" : prefix;
    int n = connections == null ? 4 : connections;
    if (server != null) {
      ServerEndpoint ep = CloneManagers.endpoint(server);
      boolean reflink = Reflinks.supported(server.dataDirectory());
      String fs = Reflinks.filesystemType(server.dataDirectory());
      String note = reflink
          ? "reflink: the data directory is on " + fs + " with reflink support, so a clone costs constant time"
          : "the data directory is on " + fs + ", which has no reflink: the kernel copies the bytes (linear in size);"
              + " put the data directory on XFS (mkfs.xfs -m reflink=1) or btrfs for constant-time clones";
      GoldenOptions options = new GoldenOptions(refreshEvery, warnWhenOlderThan, server.installation().binDirectory());
      if (inMemory != null && inMemory && method == CopyMethod.FILE_CLONE) {
        throw new LockplaneException(ErrorCode.INVALID_CONFIGURATION, "clonesInMemory(true) conflicts with"
            + " copyMethod(FILE_CLONE): a clone into memory is a byte copy, not a reflink. Drop one of them.");
      }
      // a copy method asked for is kept as asked
      boolean memory = inMemory != null ? inMemory : method == null && !reflink && !keep;
      return DatabaseCloneManager.start(ep, g, p, method, note, n, otherHostOrphans, options, keep,
          memory ? new MemoryTablespace.Request(server::memoryDirectory, inMemory != null) : null);
    }
    if (inMemory != null && inMemory) {
      throw new LockplaneException(ErrorCode.UNSUPPORTED, "Clones in memory need a server this library runs"
          + " (CloneManagers.databases(LocalPostgres)): it puts their tablespace in a directory of its machine's"
          + " memory. Leave clonesInMemory unset for a server reached by URL.");
    }
    ServerEndpoint ep = ServerEndpoint.parse(jdbcUrl, user, password);
    return DatabaseCloneManager.start(ep, g, p, method, null, n, otherHostOrphans,
        new GoldenOptions(refreshEvery, warnWhenOlderThan, null), keep, null);
  }
}
