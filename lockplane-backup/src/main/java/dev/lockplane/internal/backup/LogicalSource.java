package dev.lockplane.internal.backup;

import dev.lockplane.ErrorCode;
import dev.lockplane.backup.BackupException;
import dev.lockplane.backup.Progress;
import dev.lockplane.postgres.LocalPostgres;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A logical backup through {@code pg_dump}, in custom format streamed straight into the repository,
 * or in directory format with parallel jobs through a local spool directory. The dump runs in a
 * snapshot exported by a transaction that also counts every table's rows, so the recorded counts
 * are exactly those of the dump.
 */
public final class LogicalSource {
  /** Where the dump lives inside the backup. */
  public static String dumpPath(String database, int jobs) {
    return jobs > 1 ? "dump/" + database + ".dir" : "dump/" + database + ".pgdump";
  }

  /** What a logical backup recorded, beside its files. */
  public record Result(String serverVersion, int major, String systemIdentifier, Map<String, Manifest.TableInfo> tables,
      String format) {}

  private LogicalSource() {}

  /**
   * Runs the dump.
   *
   * @param pg the server
   * @param database the database
   * @param jobs 1 for custom format, more for directory format with that many jobs
   * @param backupId the backup id
   * @param writer the data writer
   * @param staging the repository's staging area, where a parallel dump is spooled
   * @param progress the progress tracker
   * @return the recorded facts
   */
  public static Result run(LocalPostgres pg, String database, int jobs, String backupId, DataWriter writer,
      Staging staging, ProgressTracker progress) {
    Path pgDump = PgTools.tool(pg, "pg_dump");
    try (Connection c = pg.connect(database)) {
      c.setAutoCommit(false);
      try (Statement s = c.createStatement()) {
        s.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ");
      }
      String snapshot = scalar(c, "SELECT pg_export_snapshot()");
      String version = scalar(c, "SHOW server_version");
      int major = Integer.parseInt(scalar(c, "SHOW server_version_num")) / 10000;
      String sysid = scalar(c, "SELECT system_identifier::text FROM pg_control_system()");
      Map<String, Manifest.TableInfo> tables = TableStats.postgres(c, database);

      List<String> cmd = new ArrayList<>(List.of(pgDump.toString()));
      cmd.addAll(PgTools.connectionArgs(pg, database));
      cmd.add("--snapshot=" + snapshot);
      progress.phase(Progress.Phase.COPYING, -1, 1);
      if (jobs <= 1) {
        cmd.add("-Fc");
        Process p = PgTools.start(cmd, pg);
        PgTools.ErrorCollector err = new PgTools.ErrorCollector(p.getErrorStream());
        p.getOutputStream().close();
        try (InputStream out = p.getInputStream()) {
          writer.addStream(dumpPath(database, 1), out);
        } catch (IOException | RuntimeException e) {
          p.destroyForcibly();
          throw e;
        }
        waitFor(p, err, "pg_dump", database, backupId);
        writer.awaitAll();
      } else {
        Path spool = staging.newEntry("dump");
        try {
          Path dir = spool.resolve("dump");
          cmd.addAll(List.of("-Fd", "-j", String.valueOf(jobs), "-f", dir.toString()));
          Process p = PgTools.start(cmd, pg);
          PgTools.ErrorCollector err = new PgTools.ErrorCollector(p.getErrorStream());
          p.getOutputStream().close();
          p.getInputStream().close();
          waitFor(p, err, "pg_dump", database, backupId);
          try (Stream<Path> s = Files.list(dir)) {
            for (Path f : s.sorted().toList()) {
              writer.addFile(dumpPath(database, jobs) + "/" + f.getFileName(), f, Files.size(f), false);
            }
          }
          writer.awaitAll();
        } finally {
          Staging.delete(spool);
        }
      }
      c.commit();
      return new Result(version, major, sysid, tables, jobs > 1 ? "directory" : "custom");
    } catch (SQLException e) {
      throw new BackupException(ErrorCode.DATABASE_ERROR,
          "Logical backup " + backupId + " of database '" + database + "' failed: " + Redaction.message(e), backupId, null,
          Redaction.cause(e));
    } catch (IOException e) {
      throw new BackupException(DataWriter.isDiskFull(e) ? ErrorCode.DISK_FULL : ErrorCode.IO_ERROR,
          "Logical backup " + backupId + " of database '" + database + "' failed: " + Redaction.text(e), backupId, null,
          Redaction.cause(e));
    }
  }

  static void waitFor(Process p, PgTools.ErrorCollector err, String tool, String database, String backupId)
      throws IOException {
    int code;
    try {
      code = p.waitFor();
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new java.io.InterruptedIOException(tool + " was interrupted");
    }
    if (code != 0) {
      throw new BackupException(ErrorCode.DATABASE_ERROR,
          tool + " exited with code " + code + " for database '" + database + "' (backup " + backupId + "): "
              + Redaction.text(err.text()), backupId, null, null);
    }
  }

  private static String scalar(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getString(1);
    }
  }
}
