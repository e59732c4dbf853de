package dev.lockplane.internal.backup;

import dev.lockplane.ErrorCode;
import dev.lockplane.backup.BackupException;
import dev.lockplane.backup.Progress;
import dev.lockplane.internal.wire.WireBaseBackup;
import dev.lockplane.postgres.LocalPostgres;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A physical backup of a cluster whose data directory this JVM can read: {@code pg_backup_start},
 * a parallel copy of the data directory, {@code pg_backup_stop} on the same connection, then the WAL
 * from the start to the stop position and the backup label. A temporary replication slot, created
 * on the same connection first, keeps that WAL from being recycled while the copy runs.
 */
public final class PhysicalSource {
  /** Directories whose contents are runtime state, recreated empty on restore. */
  private static final Set<String> EMPTY_DIRS = Set.of(
      "pg_wal", "pg_replslot", "pg_stat_tmp", "pg_dynshmem", "pg_notify", "pg_serial", "pg_snapshots", "pg_subtrans");
  /** Top-level files that must not be copied. */
  private static final Set<String> SKIP_FILES = Set.of(
      "postmaster.pid", "postmaster.opts", "backup_label", "backup_label.old", "tablespace_map",
      "tablespace_map.old", "current_logfiles", "recovery.signal", "standby.signal");

  /** What a physical backup recorded, beside its files. */
  public record Result(String serverVersion, int major, String systemIdentifier, List<String> databases,
      String startWal, String stopWal, int timeline, List<String> directories, Map<String, Manifest.TableInfo> tables) {}

  /** Reads something of one database during a backup. */
  @FunctionalInterface
  public interface PerDatabase {
    /**
     * Reads it.
     *
     * @param database the database's name
     * @param c a connection to the database, closed by the caller
     * @throws SQLException when a query fails
     */
    void read(String database, Connection c) throws SQLException;
  }

  private PhysicalSource() {}

  /**
   * Runs a full or an incremental backup, with or without counting each table's rows.
   *
   * @param pg the server
   * @param backupId the backup id, used as the label
   * @param writer the data writer
   * @param progress the progress tracker
   * @param incremental decides what an incremental stores, or {@code null} for a full backup
   * @param countRows whether to count every table's rows (recorded for drills and compare)
   * @param perDatabase reads what else the backup records of each database, on the connection
   *     that reads the database's tables, beside the copy and before the backup ends on the server
   *     (so the backup holds at least what it records); what it throws fails the backup
   * @return the recorded facts
   */
  public static Result run(LocalPostgres pg, String backupId, DataWriter writer, ProgressTracker progress,
      IncrementalFiles incremental, boolean countRows, PerDatabase perDatabase) {
    Path dataDir = pg.dataDirectory();
    if (incremental != null) {
      incremental.prefetch();
    }
    try (Connection c = pg.connect("postgres")) {
      c.setAutoCommit(true);
      String version = scalar(c, "SHOW server_version");
      int num = Integer.parseInt(scalar(c, "SHOW server_version_num"));
      int major = num / 10000;
      String sysid = scalar(c, "SELECT system_identifier::text FROM pg_control_system()");
      if (incremental != null) {
        incremental.resolve(sysid, major, backupId, writer);
      }
      List<String> databases = new ArrayList<>();
      try (Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT datname FROM pg_database WHERE datallowconn AND NOT datistemplate ORDER BY datname")) {
        while (rs.next()) {
          databases.add(rs.getString(1));
        }
      }
      // the row counts scan every table: on the server, beside the copy rather than after it; an
      // incremental takes its parent's count for a table the WAL summaries show untouched. One
      // connection a database serves its tables and perDatabase, opened while the checkpoint runs
      try (DatabaseReads reads = new DatabaseReads(pg, databases, (db, dc) -> {
        Map<String, Manifest.TableInfo> t = TableStats.postgres(dc, db, countRows,
            incremental == null ? null : incremental::unchangedCount);
        perDatabase.read(db, dc);
        return t;
      })) {
        String slot = WireBaseBackup.temporarySlotName("lockplane_backup_");
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_create_physical_replication_slot(?, true, true)")) {
          ps.setString(1, slot);
          ps.execute();
        }
        String startLsn;
        try (PreparedStatement ps = c.prepareStatement(
            major >= 15 ? "SELECT pg_backup_start(?, true)::text" : "SELECT pg_start_backup(?, true, false)::text")) {
          ps.setString(1, "lockplane " + backupId);
          try (ResultSet rs = ps.executeQuery()) {
            rs.next();
            startLsn = rs.getString(1);
          }
        }
        int timeline = Integer.parseInt(scalar(c, "SELECT timeline_id::text FROM pg_control_checkpoint()"));
        boolean stopped = false;
        // an incremental waits for the WAL summarizer on this connection while the files are listed
        // and those block level does not cover are read
        IncrementalFiles.Started summaries = incremental == null ? null
            : incremental.startedInBackground(c, major, startLsn, timeline);
        try {
          List<String> dirs = new ArrayList<>();
          List<Path> files = new ArrayList<>();
          list(dataDir, dirs, files);
          long total = 0;
          for (Path f : files) {
            total += sizeOrZero(f);
          }
          progress.phase(Progress.Phase.COPYING, total, files.size());
          List<Path> relations = new ArrayList<>();
          if (incremental != null) {
            for (Path f : files) {
              if (incremental.waitsForSummaries(rel(dataDir, f))) {
                relations.add(f);
              } else {
                incremental.add(rel(dataDir, f), f, sizeOrZero(f));
              }
            }
            summaries.await();
          }
          reads.start();
          Map<String, Manifest.TableInfo> tables;
          try {
            if (incremental != null) {
              for (Path f : relations) {
                incremental.add(rel(dataDir, f), f, sizeOrZero(f));
              }
            } else {
              for (Path f : files) {
                writer.addFile(rel(dataDir, f), f, sizeOrZero(f), true);
              }
            }
            writer.awaitAll();
            tables = reads.await();
          } finally {
            reads.close();
          }

          String stopLsn;
          String label;
          String spcmap;
          try (Statement s = c.createStatement();
              ResultSet rs = s.executeQuery(major >= 15
                  ? "SELECT lsn::text, labelfile, spcmapfile FROM pg_backup_stop(false)"
                  : "SELECT lsn::text, labelfile, spcmapfile FROM pg_stop_backup(false, false)")) {
            rs.next();
            stopLsn = rs.getString(1);
            label = rs.getString(2);
            spcmap = rs.getString(3);
          }
          stopped = true;

          String first = walFile(c, startLsn);
          String last = walFile(c, stopLsn);
          progress.phase(Progress.Phase.WAL, -1, -1);
          Path walDir = dataDir.resolve("pg_wal");
          TreeSet<String> needed = new TreeSet<>();
          try (var s = Files.list(walDir)) {
            s.map(p -> p.getFileName().toString())
                .filter(n -> (n.matches("[0-9A-F]{24}") && n.compareTo(first) >= 0 && n.compareTo(last) <= 0)
                    || n.endsWith(".history"))
                .forEach(needed::add);
          }
          if (!needed.contains(first) || !needed.contains(last)) {
            throw new BackupException(ErrorCode.IO_ERROR,
                "The WAL of backup " + backupId + " (" + first + " to " + last + ") is no longer in " + walDir
                    + ". Retry the backup; keep max_wal_size large enough for the backup's duration.", backupId, null, null);
          }
          for (String n : needed) {
            Path p = walDir.resolve(n);
            writer.addFile("pg_wal/" + n, p, Files.size(p), false);
          }
          writer.addStream("backup_label", new ByteArrayInputStream(label.getBytes(StandardCharsets.UTF_8)));
          if (spcmap != null && !spcmap.isEmpty()) {
            writer.addStream("tablespace_map", new ByteArrayInputStream(spcmap.getBytes(StandardCharsets.UTF_8)));
          }
          return new Result(version, major, sysid, databases, startLsn, stopLsn, timeline, dirs, tables);
        } finally {
          if (summaries != null) {
            summaries.close();
          }
          if (!stopped) {
            // ends backup mode now rather than when the connection closes
            try (Statement s = c.createStatement()) {
              s.execute(major >= 15 ? "SELECT pg_backup_stop(false)" : "SELECT pg_stop_backup(false, false)");
            } catch (SQLException ignored) {
              // the connection's close aborts the backup too
            }
          }
        }
      }
    } catch (SQLException e) {
      throw new BackupException(ErrorCode.DATABASE_ERROR,
          "Physical backup " + backupId + " of " + pg + " failed: " + Redaction.message(e), backupId, null, Redaction.cause(e));
    } catch (IOException e) {
      throw new BackupException(DataWriter.isDiskFull(e) ? ErrorCode.DISK_FULL : ErrorCode.IO_ERROR,
          "Physical backup " + backupId + " cannot read " + dataDir + ": " + Redaction.text(e), backupId, null, Redaction.cause(e));
    }
  }

  private static String walFile(Connection c, String lsn) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT pg_walfile_name(?::pg_lsn)")) {
      ps.setString(1, lsn);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getString(1);
      }
    }
  }

  private static String scalar(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getString(1);
    }
  }

  private static long sizeOrZero(Path f) {
    try {
      return Files.size(f);
    } catch (IOException e) {
      return 0;
    }
  }

  private static String rel(Path root, Path p) {
    return root.relativize(p).toString().replace('\\', '/');
  }

  private static void list(Path dataDir, List<String> dirs, List<Path> files) throws IOException {
    Path tblspc = dataDir.resolve("pg_tblspc");
    if (Files.isDirectory(tblspc)) {
      try (var s = Files.list(tblspc)) {
        if (s.findAny().isPresent()) {
          throw new BackupException(ErrorCode.UNSUPPORTED,
              "The cluster in " + dataDir + " has tablespaces outside its data directory; physical backups of"
                  + " such clusters are not supported yet. Use a logical backup.", null, null, null);
        }
      }
    }
    Files.walkFileTree(dataDir, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
        if (!dir.equals(dataDir)) {
          String r = rel(dataDir, dir);
          if (dir.getFileName().toString().startsWith("pgsql_tmp")) {
            return FileVisitResult.SKIP_SUBTREE;
          }
          dirs.add(r);
          if (EMPTY_DIRS.contains(r)) {
            if (r.equals("pg_wal")) {
              dirs.add("pg_wal/archive_status");
            }
            return FileVisitResult.SKIP_SUBTREE;
          }
        }
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
        String name = file.getFileName().toString();
        if (file.getParent().equals(dataDir) && SKIP_FILES.contains(name)) {
          return FileVisitResult.CONTINUE;
        }
        if (name.startsWith("pgsql_tmp") || !attrs.isRegularFile()) {
          return FileVisitResult.CONTINUE;
        }
        files.add(file);
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFileFailed(Path file, IOException exc) throws IOException {
        if (exc instanceof NoSuchFileException) {
          return FileVisitResult.CONTINUE;
        }
        throw exc;
      }
    });
    java.util.Collections.sort(dirs);
  }
}
