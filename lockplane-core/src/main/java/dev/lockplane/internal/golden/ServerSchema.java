package dev.lockplane.internal.golden;

import dev.lockplane.LockplaneException;
import dev.lockplane.clone.Golden;
import dev.lockplane.clone.GoldenTarget;
import dev.lockplane.internal.fs.FileTrees;
import dev.lockplane.internal.os.ProcessRunner;
import dev.lockplane.internal.postgres.ClientTools;
import dev.lockplane.internal.sql.Identifiers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A logical server source read in pieces from one snapshot: a connection in a {@code REPEATABLE
 * READ} transaction that exported its snapshot, the schema dumped with {@code pg_dump
 * --schema-only} in that snapshot and restored section by section ({@code pre-data} before rows are
 * copied, {@code post-data} — keys, indexes, constraints, triggers — after), and the sequences'
 * values. For subsets, which copy only some rows. Close it to end the transaction and delete the
 * dump.
 */
public final class ServerSchema implements AutoCloseable {
  private final Golden.FromServer golden;
  private final SourceServer source;
  private final GoldenTarget target;
  private final Connection connection;
  private final String snapshot;
  private final Instant dataAt;
  private final int major;
  private final Path work;
  private Path pgRestore;
  private Path dump;

  private ServerSchema(Golden.FromServer golden, SourceServer source, GoldenTarget target, Connection c,
      String snapshot, Instant dataAt, int major, Path work) {
    this.golden = golden;
    this.source = source;
    this.target = target;
    this.connection = c;
    this.snapshot = snapshot;
    this.dataAt = dataAt;
    this.major = major;
    this.work = work;
  }

  /**
   * Connects to the source, checks the role's rights and opens the snapshot everything is read from.
   *
   * @param golden the source
   * @param target the golden being built
   * @return the open source
   */
  public static ServerSchema open(Golden.FromServer golden, GoldenTarget target) {
    SourceServer source = new SourceServer(golden);
    Connection c = source.connect();
    try {
      int major = SourceServer.majorVersion(c);
      source.checkRights(c);
      c.setAutoCommit(false);
      c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
      String snapshot;
      Instant at;
      try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT pg_export_snapshot(), now()")) {
        rs.next();
        snapshot = rs.getString(1);
        at = rs.getTimestamp(2).toInstant();
      }
      return new ServerSchema(golden, source, target, c, snapshot, at, major, ServerDump.privateDirectory(golden.dumpDirectory()));
    } catch (SQLException e) {
      close(c);
      throw source.failure("open a snapshot for the subset (a read-only role suffices, but not a pooler in"
          + " transaction mode)", e);
    } catch (RuntimeException e) {
      close(c);
      throw e;
    }
  }

  /**
   * Returns the connection in the source's snapshot; queries on it see the data of {@link #dataAt()}.
   *
   * @return the connection, in a transaction
   */
  public Connection connection() {
    return connection;
  }

  /**
   * Returns the moment the snapshot shows.
   *
   * @return the time of the data
   */
  public Instant dataAt() {
    return dataAt;
  }

  /**
   * Wraps a failed query on the source, its password scrubbed.
   *
   * @param what what was being done
   * @param e the failure
   * @return the exception to throw
   */
  public LockplaneException failure(String what, SQLException e) {
    return source.failure(what, e);
  }

  /**
   * Dumps the source's schema in the snapshot, leaving out some tables, and restores its pre-data
   * section (types, functions, tables without keys or indexes) into the golden.
   *
   * @param excluded tables left out, {@code schema.table} (their foreign keys go with them)
   */
  public void restorePreData(List<String[]> excluded) {
    ClientTools.Tool pgDump = ClientTools.forServer("pg_dump", major, null, 0);
    pgRestore = pgDump.path().resolveSibling("pg_restore");
    if (!Files.isExecutable(pgRestore)) {
      pgRestore = ClientTools.forServer("pg_restore", pgDump.majorVersion(), null, 0).path();
    }
    dump = work.resolve("schema.dump");
    List<String> cmd = new ArrayList<>(List.of(pgDump.path().toString(), "--schema-only", "--format=custom",
        "--file=" + dump, "--no-sync", "--no-password", "--snapshot=" + snapshot,
        "--dbname=" + ServerDump.conninfo(source, work)));
    for (String[] t : excluded) {
      cmd.add("--exclude-table=" + pattern(t[0]) + "." + pattern(t[1]));
    }
    target.progress("Dumping the schema of " + source.where + " with pg_dump " + pgDump.majorVersion());
    ProcessRunner.Result r = ServerDump.run(cmd, source.password);
    if (!r.ok()) {
      throw ServerDump.dumpFailure(source, r, dump);
    }
    ServerDump.restore(target, pgRestore, dump, 1, "pre-data");
  }

  /** Restores the post-data section: keys, indexes, constraints (validated), triggers, rules. */
  public void restorePostData() {
    ServerDump.restore(target, pgRestore, dump, golden.jobs(), "post-data");
  }

  /**
   * Sets each sequence of the golden to the source's value.
   *
   * @param golden a connection to the golden
   * @throws SQLException when the golden refuses
   */
  public void copySequences(Connection golden) throws SQLException {
    Map<String, Long> values = new LinkedHashMap<>();
    try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery(
        "SELECT schemaname, sequencename, last_value FROM pg_sequences WHERE last_value IS NOT NULL ORDER BY 1, 2")) {
      while (rs.next()) {
        values.put(Identifiers.qualified(rs.getString(1), rs.getString(2)), rs.getLong(3));
      }
    } catch (SQLException e) {
      throw source.failure("read the sequences' values", e);
    }
    try (Statement s = golden.createStatement()) {
      for (Map.Entry<String, Long> e : values.entrySet()) {
        s.execute("SELECT setval(r, " + e.getValue() + ", true) FROM (SELECT to_regclass("
            + Identifiers.literal(e.getKey()) + ") AS r) x WHERE r IS NOT NULL");
      }
    }
  }

  /** A pg_dump pattern that matches exactly this name. */
  private static String pattern(String name) {
    return "\"" + name.replace("\"", "\"\"") + "\"";
  }

  @Override
  public void close() {
    close(connection);
    FileTrees.deleteQuietly(work);
  }

  private static void close(Connection c) {
    try {
      if (!c.isClosed()) {
        if (!c.getAutoCommit()) {
          c.rollback();
        }
        c.close();
      }
    } catch (SQLException e) {
      // the transaction only read; the server ends it with the connection
    }
  }

  @Override
  public String toString() {
    return "ServerSchema[" + source.where + "]";
  }
}
