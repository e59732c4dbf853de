package dev.lockplane.internal.backup;

import dev.lockplane.ErrorCode;
import dev.lockplane.backup.BackupException;
import dev.lockplane.backup.Progress;
import dev.lockplane.internal.sql.Identifiers;
import dev.lockplane.postgres.LocalPostgres;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/** Loads a logical backup into a database with {@code pg_restore}. */
public final class LogicalRestore {
  private LogicalRestore() {}

  /**
   * Restores a logical backup into a database, creating it when missing.
   *
   * @param engine the repository
   * @param m the manifest of a logical backup
   * @param pg the target server
   * @param database the target database
   * @param overwrite whether a database that already has tables may be cleaned and replaced
   * @param onlyTable restore only this table ({@code schema.table}), or {@code null}
   * @param progress the tracker
   */
  public static void intoDatabase(RepositoryEngine engine, Manifest m, LocalPostgres pg, String database,
      boolean overwrite, String onlyTable, ProgressTracker progress) {
    ObjectCodec codec = engine.codecFor(m);
    Restorer.probeKey(engine, codec, m);
    boolean hasTables = prepareDatabase(pg, database, m.id());
    if (hasTables && !overwrite) {
      throw new BackupException(ErrorCode.ALREADY_EXISTS,
          "Database '" + database + "' on " + pg + " already has tables. Restore into a new database, or allow"
              + " replacing its objects (overwrite(true), --overwrite).", m.id(), null, null);
    }
    Path pgRestore = PgTools.tool(pg, "pg_restore");
    List<String> connection = PgTools.connectionArgs(pg, database);
    run(engine, m, codec, pgRestore, connection, pg.password(), database, hasTables, onlyTable, progress);
  }

  /**
   * Restores a logical backup into an existing, empty database reached over the network, with a
   * {@code pg_restore} chosen by the caller: the golden of a clone manager. Owners and grants are left
   * out ({@code --no-owner --no-privileges}): the golden's server has none of the source's roles.
   *
   * @param engine the repository
   * @param m the manifest of a logical backup
   * @param pgRestore the {@code pg_restore} to run
   * @param host the server's host
   * @param port the server's port
   * @param user the role to restore as
   * @param password its password, or {@code null}; passed through the environment only
   * @param database the empty target database
   * @param progress the tracker
   */
  public static void intoEmptyDatabase(RepositoryEngine engine, Manifest m, Path pgRestore, String host, int port,
      String user, String password, String database, ProgressTracker progress) {
    ObjectCodec codec = engine.codecFor(m);
    Restorer.probeKey(engine, codec, m);
    String quoted = "'" + database.replace("\\", "\\\\").replace("'", "\\'") + "'";
    List<String> connection = new ArrayList<>(List.of("-h", host, "-p", String.valueOf(port), "-U", user,
        "-d", "dbname=" + quoted, "--no-password",
        // a golden's server has none of the source's roles: grants to them would fail the restore
        "--no-privileges"));
    run(engine, m, codec, pgRestore, connection, password, database, false, null, progress);
  }

  private static void run(RepositoryEngine engine, Manifest m, ObjectCodec codec, Path pgRestore, List<String> connection,
      String password, String database, boolean hasTables, String onlyTable, ProgressTracker progress) {
    List<String> cmd = new ArrayList<>(List.of(pgRestore.toString()));
    cmd.addAll(connection);
    cmd.addAll(List.of("--no-owner", "--exit-on-error"));
    if (hasTables) {
      cmd.addAll(List.of("--clean", "--if-exists"));
    }
    if (onlyTable != null) {
      String[] st = onlyTable.split("\\.", 2);
      cmd.addAll(List.of("-n", st[0], "-t", st[1]));
    }
    boolean directory = "directory".equals(m.attributes().get("format"));
    progress.phase(Progress.Phase.RESTORING, m.size(), m.files().size());
    try {
      if (directory) {
        Path spool = engine.staging().newEntry("restore");
        try {
          Restorer.restoreFiles(engine, m, spool.resolve("r"), p -> true, false, progress);
          Path dir = spool.resolve("r").resolve(LogicalSource.dumpPath(m.databases().get(0), 2));
          cmd.addAll(List.of("-Fd", "-j", String.valueOf(Math.max(2, engine.parallelism())), dir.toString()));
          Process p = start(cmd, password);
          PgTools.ErrorCollector err = new PgTools.ErrorCollector(p.getErrorStream());
          p.getOutputStream().close();
          p.getInputStream().close();
          LogicalSource.waitFor(p, err, "pg_restore", database, m.id());
        } finally {
          Staging.delete(spool);
        }
      } else {
        Process p = start(cmd, password);
        PgTools.ErrorCollector err = new PgTools.ErrorCollector(p.getErrorStream());
        p.getInputStream().close();
        try (OutputStream in = p.getOutputStream()) {
          for (Manifest.FileEntry f : m.files()) {
            Restorer.copyPlaintext(engine, codec, m, f, in, progress);
          }
        } catch (IOException | RuntimeException e) {
          if (e instanceof BackupException) {
            p.destroyForcibly();
            throw e;
          }
          // pg_restore stopped reading: its own error says why
        }
        LogicalSource.waitFor(p, err, "pg_restore", database, m.id());
      }
    } catch (IOException e) {
      throw new BackupException(ErrorCode.IO_ERROR,
          "Restoring backup " + m.id() + " into database '" + database + "' failed: " + Redaction.text(e), m.id(), null,
          Redaction.cause(e));
    }
  }

  private static Process start(List<String> command, String password) throws IOException {
    ProcessBuilder pb = new ProcessBuilder(command);
    if (password != null) {
      pb.environment().put("PGPASSWORD", password);
    }
    pb.environment().put("PGAPPNAME", "lockplane-backup");
    return pb.start();
  }

  /** Creates the database when missing; returns whether it exists with user tables. */
  private static boolean prepareDatabase(LocalPostgres pg, String database, String backupId) {
    try (Connection c = pg.connect("postgres")) {
      boolean exists;
      try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
        ps.setString(1, database);
        try (ResultSet rs = ps.executeQuery()) {
          exists = rs.next();
        }
      }
      if (!exists) {
        try (Statement s = c.createStatement()) {
          s.execute("CREATE DATABASE " + Identifiers.quote(database));
        }
        return false;
      }
    } catch (SQLException e) {
      throw new BackupException(ErrorCode.DATABASE_ERROR,
          "Cannot prepare database '" + database + "' on " + pg + ": " + Redaction.message(e), backupId, null, Redaction.cause(e));
    }
    try (Connection c = pg.connect(database); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT count(*) FROM pg_class t JOIN pg_namespace n ON n.oid = t.relnamespace"
            + " WHERE t.relkind IN ('r', 'p', 'v', 'm') AND n.nspname NOT IN ('pg_catalog', 'information_schema')")) {
      rs.next();
      return rs.getLong(1) > 0;
    } catch (SQLException e) {
      throw new BackupException(ErrorCode.DATABASE_ERROR,
          "Cannot inspect database '" + database + "' on " + pg + ": " + Redaction.message(e), backupId, null, Redaction.cause(e));
    }
  }
}
