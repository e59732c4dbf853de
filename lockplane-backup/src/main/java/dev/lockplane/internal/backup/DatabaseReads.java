package dev.lockplane.internal.backup;

import dev.lockplane.postgres.LocalPostgres;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;

/**
 * What a physical backup reads of each database on a thread of its own: one connection a database,
 * opened at once, so that the server forks and authenticates them while the backup's checkpoint
 * runs, and read only once {@link #start} is called (after {@code pg_backup_start}, and for an
 * incremental after the WAL summaries are known), beside the copy.
 */
final class DatabaseReads implements AutoCloseable {
  /** Reads one database's tables on a connection to it. */
  @FunctionalInterface
  interface Reader {
    /**
     * Reads them.
     *
     * @param database the database's name
     * @param c a connection to it
     * @return its tables by {@code database.schema.table}
     * @throws SQLException when a query fails
     */
    Map<String, Manifest.TableInfo> read(String database, Connection c) throws SQLException;
  }

  private final CountDownLatch go = new CountDownLatch(1);
  private final FutureTask<Map<String, Manifest.TableInfo>> task;

  DatabaseReads(LocalPostgres pg, List<String> databases, Reader reader) {
    this.task = new FutureTask<>(() -> {
      List<Connection> open = new ArrayList<>();
      try {
        for (String db : databases) {
          open.add(pg.connect(db));
        }
        go.await();
        Map<String, Manifest.TableInfo> tables = new TreeMap<>();
        for (int i = 0; i < databases.size(); i++) {
          tables.putAll(reader.read(databases.get(i), open.get(i)));
        }
        return tables;
      } finally {
        for (Connection c : open) {
          try {
            c.close();
          } catch (SQLException ignored) {
            // what was read is returned or the failure reported; a close that fails changes neither
          }
        }
      }
    });
    Thread t = new Thread(task, "lockplane-backup-row-counts");
    t.setDaemon(true);
    t.start();
  }

  /** Lets the reads begin. */
  void start() {
    go.countDown();
  }

  /**
   * Waits for the reads, and rethrows what reading threw.
   *
   * @return the tables of every database
   * @throws SQLException when a query failed
   */
  Map<String, Manifest.TableInfo> await() throws SQLException {
    try {
      return task.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SQLException("interrupted while counting rows", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof SQLException se) {
        throw se;
      }
      if (e.getCause() instanceof RuntimeException re) {
        throw re;
      }
      throw new SQLException("counting rows failed: " + e.getCause(), e.getCause());
    }
  }

  /** Stops the reads if they still run (the backup failed), closing their connections. */
  @Override
  public void close() {
    task.cancel(true);
  }
}
