package dev.lockplane.internal.instances;

import dev.lockplane.ErrorCode;
import dev.lockplane.LockplaneException;
import dev.lockplane.internal.os.OsUser;
import dev.lockplane.internal.os.Posix;
import dev.lockplane.postgres.LocalPostgres;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Set;
import jnr.posix.FileStat;
import jnr.posix.POSIX;
import jnr.posix.POSIXFactory;

/**
 * Copies the data directory of a running local cluster between {@code pg_backup_start} and
 * {@code pg_backup_stop} (non-exclusive backup mode): the files, then the WAL written up to the
 * backup's end, then the {@code backup_label} that makes the first start of the copy recover to a
 * consistent state. This is "physical provisioning": a golden that is a copy of a real server.
 */
final class PhysicalCopy {
  private static final POSIX POSIX = POSIXFactory.getNativePOSIX();
  /** Contents PostgreSQL recreates or must not see in a copy; their directories are kept empty. */
  private static final Set<String> EMPTY_DIRS = Set.of(
      "pg_wal", "pg_replslot", "pg_stat_tmp", "pg_dynshmem", "pg_notify", "pg_serial", "pg_snapshots", "pg_subtrans");
  private static final Set<String> SKIP_FILES = Set.of(
      "postmaster.pid", "postmaster.opts", "backup_label", "tablespace_map", "backup_label.old");

  private PhysicalCopy() {}

  static void copy(LocalPostgres source, Path target) {
    Path from = source.dataDirectory();
    boolean modern = source.majorVersion() >= 15;
    try (Connection c = source.connect("postgres"); Statement s = c.createStatement()) {
      s.execute(modern ? "SELECT pg_backup_start('lockplane golden', true)" : "SELECT pg_start_backup('lockplane golden', true, false)");
      String label;
      String map;
      try {
        copyTree(from, target, false);
      } finally {
        try (ResultSet rs = s.executeQuery(modern
            ? "SELECT labelfile, spcmapfile FROM pg_backup_stop(false)"
            : "SELECT labelfile, spcmapfile FROM pg_stop_backup(false, false)")) {
          rs.next();
          label = rs.getString(1);
          map = rs.getString(2);
        }
      }
      // pg_backup_stop switched to a new WAL segment, so everything up to the backup's end is on disk
      copyTree(from.resolve("pg_wal"), target.resolve("pg_wal"), true);
      OsUser owner = ownerOf(from);
      write(target.resolve("backup_label"), label, owner);
      if (map != null && !map.isEmpty()) {
        write(target.resolve("tablespace_map"), map, owner);
      }
    } catch (SQLException e) {
      throw new LockplaneException(
          ErrorCode.DATABASE_ERROR, "Cannot copy the running cluster " + source + " in backup mode: " + e.getMessage(), e);
    } catch (IOException e) {
      throw new LockplaneException(
          String.valueOf(e.getMessage()).contains("No space left") ? ErrorCode.DISK_FULL : ErrorCode.IO_ERROR,
          "Cannot copy " + from + " to " + target + ": " + e, e);
    }
  }

  private static void write(Path file, String text, OsUser owner) throws IOException {
    Files.writeString(file, text, StandardCharsets.UTF_8);
    Posix.chmod(file, "rw-------");
    Posix.chown(file, owner);
  }

  private static OsUser ownerOf(Path p) {
    FileStat st = POSIX.lstat(p.toString());
    return new OsUser(String.valueOf(st.uid()), st.uid(), st.gid());
  }

  /** Copies a tree keeping owners and modes; files may vanish while the server runs. */
  private static void copyTree(Path source, Path target, boolean walToo) throws IOException {
    Files.walkFileTree(source, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
        Path t = target.resolve(source.relativize(dir).toString());
        Files.createDirectories(t);
        own(dir, t);
        boolean emptied = !walToo && !dir.equals(source) && dir.getParent().equals(source)
            && EMPTY_DIRS.contains(dir.getFileName().toString());
        if (emptied) {
          if (dir.getFileName().toString().equals("pg_wal")) {
            Files.createDirectories(t.resolve("archive_status"));
            own(dir, t.resolve("archive_status"));
          }
          return FileVisitResult.SKIP_SUBTREE;
        }
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
        if (file.getParent().equals(source) && SKIP_FILES.contains(file.getFileName().toString())) {
          return FileVisitResult.CONTINUE;
        }
        Path t = target.resolve(source.relativize(file).toString());
        if (attrs.isSymbolicLink()) {
          Files.createSymbolicLink(t, Files.readSymbolicLink(file));
        } else if (attrs.isRegularFile()) {
          try {
            Files.copy(file, t, StandardCopyOption.REPLACE_EXISTING, LinkOption.NOFOLLOW_LINKS);
          } catch (java.nio.file.NoSuchFileException gone) {
            return FileVisitResult.CONTINUE; // removed by the server meanwhile: not needed in the copy
          }
          own(file, t);
        }
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFileFailed(Path file, IOException exc) throws IOException {
        if (exc instanceof java.nio.file.NoSuchFileException) {
          return FileVisitResult.CONTINUE; // removed by the server meanwhile: not needed in the copy
        }
        throw exc;
      }
    });
  }

  private static void own(Path source, Path target) throws IOException {
    FileStat st = POSIX.lstat(source.toString());
    Posix.chown(target, new OsUser(String.valueOf(st.uid()), st.uid(), st.gid()));
    Files.setPosixFilePermissions(target, Files.getPosixFilePermissions(source, LinkOption.NOFOLLOW_LINKS));
  }
}
