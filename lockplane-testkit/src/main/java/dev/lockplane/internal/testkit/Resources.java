package dev.lockplane.internal.testkit;

import dev.lockplane.clone.Clone;
import dev.lockplane.clone.CloneManager;
import dev.lockplane.clones.CloneManagers;
import dev.lockplane.internal.clone.HandoutStats;
import dev.lockplane.internal.clone.HandoutTimer;
import dev.lockplane.internal.clone.PrefetchingCloneManager;
import dev.lockplane.internal.fs.FileTrees;
import dev.lockplane.postgres.LocalPostgres;
import dev.lockplane.testkit.Engine;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.extension.ExtensionContext;

/** What the extension keeps in JUnit's stores; each closes what it holds, once. */
public final class Resources {
  private static final System.Logger LOG = System.getLogger("dev.lockplane.testkit");

  private Resources() {}

  /**
   * The embedded server of one major version, shared by the whole test run, and the goldens whose
   * clones live on it. It closes those goldens (their spare clones, their managers) before it stops
   * the server: JUnit may close store entries in any order, and spares dropped after the server
   * stopped would fail.
   */
  @SuppressWarnings("deprecation")
  public static final class Server implements ExtensionContext.Store.CloseableResource, AutoCloseable {
    private final LocalPostgres pg;
    private final List<Golden> goldens = new CopyOnWriteArrayList<>();
    private final AtomicBoolean closed = new AtomicBoolean();

    Server(int version) {
      this.pg = LocalPostgres.builder().version(version).start();
    }

    /** Returns the server. */
    public LocalPostgres postgres() {
      return pg;
    }

    void adopt(Golden golden) {
      goldens.add(golden);
    }

    @Override
    public void close() {
      if (closed.compareAndSet(false, true)) {
        try {
          for (Golden g : goldens) {
            g.close();
          }
        } finally {
          pg.close();
        }
      }
    }
  }

  /**
   * A golden's clone manager (prefetching spare clones), and the scratch directory its files live in
   * (SQLite files, an instance-clone store). It owns that directory, so that the directory goes
   * only after the manager is closed: JUnit closes store entries in an order this class must not
   * depend on. For the same reason the embedded server it clones on closes it first.
   */
  @SuppressWarnings("deprecation")
  public static final class Golden implements ExtensionContext.Store.CloseableResource, AutoCloseable {
    private final CloneManager pool;
    private final Path scratch;
    private final AtomicBoolean closed = new AtomicBoolean();
    private TransactionDatabases transactions;

    public Golden(Settings s, ExtensionContext.Store root) {
      String prefix = "lpt" + UUID.randomUUID().toString().replace("-", "").substring(0, 6) + "_";
      String key = s.golden().contentHash().substring(0, 12);
      boolean files = s.isolation() == dev.lockplane.testkit.Isolation.INSTANCE || s.engine() == Engine.SQLITE;
      scratch = files ? scratchDirectory() : null;
      Server server = null;
      CloneManager manager;
      try {
        if (s.isolation() == dev.lockplane.testkit.Isolation.INSTANCE) {
          manager = InstanceManagers.start(s, scratch);
        } else if (s.engine() == Engine.SQLITE) {
          manager = CloneManagers.sqlite(scratch.resolve(key)).golden(s.golden()).start();
        } else if (s.jdbcUrl() != null) {
          manager = CloneManagers.databases(s.jdbcUrl(), s.user(), s.password())
              .golden(s.golden()).databasePrefix(prefix).adminConnections(4).start();
        } else {
          server = root.getOrComputeIfAbsent("server-" + s.version(), k -> new Server(s.version()), Server.class);
          var builder = CloneManagers.databases(server.postgres())
              .golden(s.golden()).databasePrefix(prefix).adminConnections(4);
          if (s.clonesInMemory() != null) {
            builder.clonesInMemory(s.clonesInMemory());
          }
          manager = builder.start();
        }
      } catch (RuntimeException e) {
        if (scratch != null) {
          FileTrees.deleteQuietly(scratch);
        }
        throw e;
      }
      // transaction isolation reuses a few clones for the whole run: spares would only wait
      pool = s.isolation() == dev.lockplane.testkit.Isolation.TRANSACTION ? CloneManagers.prefetching(manager, 0)
          : s.recycle() && s.isolation() == dev.lockplane.testkit.Isolation.DATABASE && s.engine() == Engine.POSTGRES
              ? CloneManagers.recycling(manager, s.spares(cheapClones(manager)))
              : CloneManagers.prefetching(manager, s.spares(cheapClones(manager)));
      if (server != null) {
        server.adopt(this);
      }
    }

    /** Whether the manager's clones are database-level ones in memory or reflinks: cheap to keep as spares. */
    private static boolean cheapClones(CloneManager manager) {
      return manager instanceof dev.lockplane.internal.clone.DatabaseCloneManager d
          && (d.clonesInMemory() || d.strategy().constantTime());
    }

    /** A temporary directory of mode 0711: a server running as another user must traverse it. */
    private static Path scratchDirectory() {
      try {
        Path dir = Files.createTempDirectory("lockplane-scratch");
        Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwx--x--x"));
        return dir;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    /** Returns the manager, which hands out prefetched clones from {@code create()}. */
    public CloneManager pool() {
      return pool;
    }

    /**
     * Returns where this golden's handouts spent their time so far, phase by phase.
     *
     * @return the stats, or empty for a pool that does not time its handouts
     */
    public Optional<HandoutStats> handoutStats() {
      return pool instanceof PrefetchingCloneManager p ? Optional.of(p.handoutStats()) : Optional.empty();
    }

    /** Returns the clones that transaction-isolated tests of this golden run in. */
    public synchronized TransactionDatabases transactions() {
      if (transactions == null) {
        transactions = new TransactionDatabases(pool);
      }
      return transactions;
    }

    @Override
    public void close() {
      if (closed.compareAndSet(false, true)) {
        // one line a golden a run: where the tests' handouts went, for whoever asks why a suite is slow
        handoutStats().filter(h -> h.handouts() > 0).ifPresent(h ->
            LOG.log(Level.INFO, "Clones of golden {0}: {1}", pool.golden().name(), h.summary()));
        try {
          synchronized (this) {
            if (transactions != null) {
              transactions.close();
            }
          }
          pool.close(); // the spares first, then the manager it decorates
        } finally {
          if (scratch != null) {
            FileTrees.deleteQuietly(scratch);
          }
        }
      }
    }
  }

  /**
   * A clone's URL for a log or a report: without its query string, where a password may be (the
   * user's {@code lockplane.jdbcUrl} may carry {@code ?password=}).
   *
   * @param clone the clone
   * @return the URL up to its database name
   */
  public static String displayUrl(Clone clone) {
    String url = clone.jdbcUrl();
    int q = url.indexOf('?');
    return q < 0 ? url : url.substring(0, q);
  }

  /** The clone of one test (or of one class, for static fields), with the connections handed out. */
  @SuppressWarnings("deprecation")
  public static final class TestClone implements ExtensionContext.Store.CloseableResource, AutoCloseable {
    private final CloneManager pool;
    private final Clone clone;
    private final List<Connection> connections = new CopyOnWriteArrayList<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile String keepReason;
    /** Where the framework's callbacks are timed, or null for a pool that does not time its handouts. */
    private final HandoutTimer timer;
    private final AtomicLong beforeBody = new AtomicLong();
    private final AtomicLong afterBody = new AtomicLong();

    public TestClone(CloneManager pool) {
      this.pool = pool;
      this.clone = pool.create();
      this.timer = pool instanceof PrefetchingCloneManager p ? p.timer() : null;
    }

    /**
     * Adds time the test framework spent on this clone's test before its body.
     *
     * @param nanos the time
     */
    public void addBeforeBody(long nanos) {
      beforeBody.addAndGet(nanos);
    }

    /**
     * Adds time the test framework spent on this clone's test after its body.
     *
     * @param nanos the time
     */
    public void addAfterBody(long nanos) {
      afterBody.addAndGet(nanos);
    }

    /** Returns the clone. */
    public Clone clone() {
      return clone;
    }

    /** Opens a connection that is closed with this resource. */
    public Connection connection() throws SQLException {
      Connection c = clone.dataSource().getConnection();
      connections.add(c);
      return c;
    }

    /** Keeps the clone instead of destroying it. */
    public void keep(String why) {
      keepReason = why;
    }

    @Override
    public void close() {
      if (!closed.compareAndSet(false, true)) {
        return;
      }
      long t0 = System.nanoTime();
      try {
        release();
      } finally {
        if (timer != null) {
          timer.record(HandoutTimer.Phase.BEFORE_BODY, beforeBody.get());
          timer.record(HandoutTimer.Phase.AFTER_BODY, afterBody.get() + System.nanoTime() - t0);
        }
      }
    }

    private void release() {
      for (Connection c : connections) {
        try {
          c.close();
        } catch (SQLException ignored) {
          // the clone goes away anyway
        }
      }
      if (keepReason != null) {
        pool.keep(clone);
        LOG.log(Level.WARNING, "Kept clone ''{0}'' of {1}: {2} (user {3})", clone.name(), keepReason, displayUrl(clone), clone.user());
      } else {
        clone.destroy(); // returns at once: the prefetching manager drops it in the background
      }
    }
  }
}
