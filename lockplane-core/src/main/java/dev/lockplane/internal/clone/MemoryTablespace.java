package dev.lockplane.internal.clone;

import dev.lockplane.ErrorCode;
import dev.lockplane.LockplaneException;
import dev.lockplane.internal.fs.FileTrees;
import dev.lockplane.internal.sql.Identifiers;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;
import java.util.function.Function;

/**
 * A clone manager's tablespace in a directory in memory (a tmpfs), where its clones and snapshots go
 * when the server's own filesystem would copy them byte by byte anyway. On ext4 what a clone costs is
 * mostly the creation of the few hundred files of a database (about 0.1 ms a file on the machines
 * this was measured on, a few microseconds on tmpfs), then the copy and the drop's unlinking.
 *
 * <p>Only for a server whose data directory is thrown away when it stops (its databases are not kept
 * across restarts anyway), and only while the memory holds {@value #COPIES} copies of the golden.
 * A copy that finds the memory full is made again in the server's default tablespace, and the
 * manager stops using the memory.
 */
public final class MemoryTablespace {
  private static final System.Logger LOG = System.getLogger(MemoryTablespace.class.getName());
  /** How many copies of the golden the memory must have room for when the manager starts. */
  static final int COPIES = 16;

  /**
   * Whether and where to put clones in memory.
   *
   * @param directories makes the directory of a tablespace by name, or is empty where there is no memory
   * @param required whether the user asked for it (fail when it is not possible, else fall back quietly)
   */
  public record Request(Function<String, Optional<Path>> directories, boolean required) {}

  private final String name;
  private final Path directory;
  private final boolean setCopyMethod;
  private volatile boolean full;

  private MemoryTablespace(String name, Path directory, boolean setCopyMethod) {
    this.name = name;
    this.directory = directory;
    this.setCopyMethod = setCopyMethod;
  }

  /**
   * Creates the tablespace of a manager, if the memory has room for {@value #COPIES} copies of the golden.
   *
   * @param admin the manager's connections
   * @param request where memory directories come from
   * @param name the tablespace's name (the manager's prefix and id)
   * @param golden the golden database
   * @param copyMethod the server's {@code file_copy_method} ({@code copy} before PostgreSQL 18)
   * @return the tablespace, or empty when clones stay in the default tablespace (logged)
   * @throws LockplaneException with {@code UNSUPPORTED} when it was required and is not possible
   * @throws SQLException when the server fails
   */
  static Optional<MemoryTablespace> create(
      AdminConnections admin, Request request, String name, String golden, String copyMethod) throws SQLException {
    long size = admin.with(c -> {
      try (var ps = c.prepareStatement("SELECT pg_database_size(?)")) {
        ps.setString(1, golden);
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          return rs.getLong(1);
        }
      }
    });
    Optional<Path> dir = request.directories().apply(name);
    if (dir.isEmpty()) {
      return refuse(request, "the server keeps its data directory, or the machine has no writable tmpfs at the"
          + " server's memory root (/dev/shm by default)");
    }
    long free;
    try {
      free = Files.getFileStore(dir.get()).getUsableSpace();
    } catch (IOException e) {
      return refuse(request, "cannot read the free space of " + dir.get() + ": " + e.getMessage());
    }
    if (size * COPIES > free) {
      return refuse(request, "the golden takes " + mb(size) + " and " + COPIES + " copies of it do not fit in the "
          + mb(free) + " free in " + dir.get().getParent() + "; make that tmpfs larger (mount -o remount,size=...)");
    }
    try {
      admin.with(c -> DatabaseCloneManager.exec(c, "CREATE TABLESPACE " + Identifiers.quote(name)
          + " LOCATION " + Identifiers.literal(dir.get().toString())));
    } catch (SQLException e) {
      FileTrees.deleteQuietly(dir.get());
      return refuse(request, "the server refused to create tablespace " + name + " in " + dir.get() + ": " + e.getMessage());
    }
    LOG.log(Level.DEBUG, "Clones of {0} ({1}) go to tablespace {2} in {3}", golden, mb(size), name, dir.get());
    return Optional.of(new MemoryTablespace(name, dir.get(), "clone".equals(copyMethod)));
  }

  private static Optional<MemoryTablespace> refuse(Request request, String why) {
    if (request.required()) {
      throw new LockplaneException(ErrorCode.UNSUPPORTED, "Clones cannot live in memory: " + why + ".");
    }
    LOG.log(Level.DEBUG, "Clones stay on disk: " + why);
    return Optional.empty();
  }

  private static String mb(long bytes) {
    return String.format(java.util.Locale.ROOT, "%.1f MB", bytes / 1e6);
  }

  /** Returns the tablespace's name. */
  String name() {
    return name;
  }

  /** Returns where its files live. */
  Path directory() {
    return directory;
  }

  /** Returns whether copies still go here (not after one found the memory full). */
  boolean usable() {
    return !full;
  }

  /**
   * Runs a {@code CREATE DATABASE} into this tablespace. On PostgreSQL 18 with {@code file_copy_method
   * = clone} the session asks for a plain copy: a clone (copy_file_range) cannot cross from the data
   * directory's filesystem into memory.
   *
   * @param c an admin connection
   * @param createDatabase the statement, without a {@code TABLESPACE} clause
   * @throws SQLException when the server fails; {@link #fullAfter} says whether for want of memory
   */
  void createIn(Connection c, String createDatabase) throws SQLException {
    if (setCopyMethod) {
      DatabaseCloneManager.exec(c, "SET file_copy_method = copy");
    }
    try {
      DatabaseCloneManager.exec(c, createDatabase + " TABLESPACE " + Identifiers.quote(name));
    } finally {
      if (setCopyMethod) {
        DatabaseCloneManager.exec(c, "RESET file_copy_method");
      }
    }
  }

  /**
   * Says whether a failed copy ran out of memory, and if so stops using it.
   *
   * @param e the failure
   * @return whether to copy again into the default tablespace
   */
  boolean fullAfter(SQLException e) {
    // 53100 disk_full; the copy of a database reports a failed write with the OS's words
    boolean noSpace = "53100".equals(e.getSQLState()) || String.valueOf(e.getMessage()).contains("No space left");
    if (noSpace && !full) {
      full = true;
      LOG.log(Level.WARNING, "The memory of tablespace " + name + " (" + directory + ") is full: new clones go to"
          + " the server's default tablespace");
    }
    return noSpace;
  }

  /** Drops the tablespace if nothing is left in it (a kept clone may be); best effort. */
  void drop(AdminConnections admin) {
    try {
      admin.with(c -> DatabaseCloneManager.exec(c, "DROP TABLESPACE IF EXISTS " + Identifiers.quote(name)));
      // PostgreSQL leaves the empty location behind
      FileTrees.deleteQuietly(directory);
    } catch (SQLException | RuntimeException e) {
      LOG.log(Level.DEBUG, "Tablespace " + name + " stays: " + e.getMessage());
    }
  }

  /** Reads the server's {@code file_copy_method} (18 and later; {@code copy} before). */
  static String copyMethod(AdminConnections admin) throws SQLException {
    if (admin.serverVersion() < 18) {
      return "copy";
    }
    return admin.with(c -> {
      try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SHOW file_copy_method")) {
        rs.next();
        return rs.getString(1);
      }
    });
  }
}
