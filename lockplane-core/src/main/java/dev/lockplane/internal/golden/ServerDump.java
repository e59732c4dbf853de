package dev.lockplane.internal.golden;

import dev.lockplane.ErrorCode;
import dev.lockplane.LockplaneException;
import dev.lockplane.clone.Golden;
import dev.lockplane.clone.GoldenTarget;
import dev.lockplane.internal.clone.Secrets;
import dev.lockplane.internal.fs.FileTrees;
import dev.lockplane.internal.os.ProcessRunner;
import dev.lockplane.internal.postgres.ClientTools;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A logical golden from any reachable server: {@code pg_dump} of the source in directory format
 * with parallel jobs into a private temporary directory, restored with {@code pg_restore} into the
 * golden being built. The dump reads one snapshot, exported by a transaction of our own, so the
 * golden's data is from one moment, which becomes its {@code dataStateAt}.
 *
 * <p>Ownership, grants, tablespaces, publications, subscriptions and security labels are not
 * restored — the golden's server has none of the source's roles — and what is dropped is reported.
 * Passwords reach the tools only through {@code PGPASSWORD}, never a command line or a message.
 */
final class ServerDump {
  private static final System.Logger LOG = System.getLogger(ServerDump.class.getName());
  /** A dump may take hours; the tools are not cut short by a clock. */
  private static final Duration NO_LIMIT = Duration.ofDays(7);
  /** Libpq connection parameters worth passing on from the URL (JDBC name → libpq name). */
  private static final Map<String, String> PASSED_ON = Map.of(
      "sslmode", "sslmode", "sslrootcert", "sslrootcert", "sslcert", "sslcert", "sslkey", "sslkey",
      "connectTimeout", "connect_timeout");

  private ServerDump() {}

  static Instant load(Golden.FromServer golden, GoldenTarget target) {
    SourceServer source = new SourceServer(golden);
    Path work = privateDirectory(golden.dumpDirectory());
    try {
      Path dump = work.resolve("dump");
      Dumped d = dump(golden, source, target, dump);
      reportDropped(source, target, d.pgRestore(), dump, d.grantees());
      restore(target, d.pgRestore(), dump, golden.jobs());
      return d.dataAt();
    } finally {
      FileTrees.deleteQuietly(work);
    }
  }

  /** What a dump tells the restore: the matching pg_restore, the grantees left out, the time of the data. */
  private record Dumped(Path pgRestore, List<String> grantees, Instant dataAt) {}

  /**
   * Dumps the source into {@code dump}. The transaction that exported the dump's snapshot ends with
   * it, so that the source does not hold back its vacuum while the golden is restored.
   */
  private static Dumped dump(Golden.FromServer golden, SourceServer source, GoldenTarget target, Path dump) {
    try (Connection c = source.connect()) {
      int major;
      List<String> grantees;
      try {
        major = SourceServer.majorVersion(c);
        source.checkRights(c);
        grantees = SourceServer.grantees(c);
      } catch (SQLException e) {
        throw source.failure("read the catalog", e);
      }
      ClientTools.Tool pgDump = ClientTools.forServer("pg_dump", major, null, 0);
      Path pgRestore = pgDump.path().resolveSibling("pg_restore");
      if (!Files.isExecutable(pgRestore)) {
        pgRestore = ClientTools.forServer("pg_restore", pgDump.majorVersion(), null, 0).path();
      }
      // one snapshot for the whole dump, and the moment it shows: the golden's dataStateAt
      String snapshot = null;
      Instant dataAt;
      try {
        c.setAutoCommit(false);
        c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT pg_export_snapshot(), now()")) {
          rs.next();
          snapshot = rs.getString(1);
          dataAt = rs.getTimestamp(2).toInstant();
        }
      } catch (SQLException e) {
        // a pooler or an old standby may refuse to export snapshots: pg_dump then takes its own
        LOG.log(Level.DEBUG, "No exported snapshot on " + source.where + ": " + Secrets.scrub(e.getMessage(), source.password));
        dataAt = Instant.now();
        try {
          c.rollback();
        } catch (SQLException ignored) {
          // the dump's own connection decides
        }
      }
      target.progress("Dumping " + source.where + " (PostgreSQL " + major + ") with pg_dump " + pgDump.majorVersion()
          + ", " + golden.jobs() + " job(s)");
      long t0 = System.nanoTime();
      List<String> cmd = new ArrayList<>(List.of(pgDump.path().toString(), "--format=directory",
          "--jobs=" + golden.jobs(), "--file=" + dump, "--no-sync", "--no-password",
          "--dbname=" + conninfo(source, dump.getParent())));
      if (snapshot != null) {
        cmd.add("--snapshot=" + snapshot);
      }
      ProcessRunner.Result r = run(cmd, source.password);
      if (!r.ok()) {
        throw dumpFailure(source, r, dump);
      }
      target.progress("Dumped " + source.where + " in " + millis(t0) + " ms (" + size(dump) / (1024 * 1024) + " MiB)");
      return new Dumped(pgRestore, grantees, dataAt);
    } catch (SQLException e) {
      throw source.failure("end the dump's transaction", e);
    }
  }

  private static void restore(GoldenTarget target, Path pgRestore, Path dump, int jobs) {
    restore(target, pgRestore, dump, jobs, null);
  }

  /**
   * Restores a dump (or, when {@code section} is given, one section of it: {@code pre-data},
   * {@code data} or {@code post-data}) into the golden being built.
   */
  static void restore(GoldenTarget target, Path pgRestore, Path dump, int jobs, String section) {
    long t0 = System.nanoTime();
    target.progress("Restoring " + (section == null ? "" : section + " ") + "into " + target.database() + " with "
        + jobs + " job(s)");
    List<String> cmd = new ArrayList<>(List.of(pgRestore.toString(), "--jobs=" + jobs, "--no-owner", "--no-privileges",
        "--no-tablespaces", "--no-publications", "--no-subscriptions", "--no-security-labels", "--no-password",
        "--dbname=" + targetConninfo(target), dump.toString()));
    if (section != null) {
      cmd.add(1, "--section=" + section);
    }
    String password = target.password().orElse(null);
    ProcessRunner.Result r = run(cmd, password);
    if (!r.ok()) {
      // pg_restore goes on after an error and counts them; a comment on an extension the golden's role
      // does not own is the one error that leaves the golden whole
      List<String> failed = failedCommands(r.output());
      boolean harmless = r.output().contains("errors ignored on restore")
          && !failed.isEmpty() && failed.stream().allMatch(f -> f.startsWith("COMMENT ON EXTENSION"));
      if (diskFull(r.output())) {
        throw new LockplaneException(ErrorCode.DISK_FULL,
            "pg_restore into the golden being built (database " + target.database() + ") ran out of disk space on the"
                + " golden's server: " + tail(Secrets.scrub(r.output(), password)) + ". Nothing of it became a golden."
                + " Free space where that server keeps its data (the data directory, or the tablespace the error names),"
                + " or build the golden on a server with room for the source's data and indexes.");
      }
      if (!harmless) {
        throw new LockplaneException(ErrorCode.DATABASE_ERROR,
            "pg_restore into the golden being built (database " + target.database() + ") failed (exit " + r.exitCode()
                + "): " + tail(Secrets.scrub(r.output(), password)) + ". Nothing of it became a golden. The golden's"
                + " role may lack a right the dump needs there (CREATE EXTENSION needs a superuser for untrusted"
                + " extensions), or the golden's server lacks an extension the source uses.");
      }
      LOG.log(Level.WARNING, "The golden built in " + target.database() + " lacks comments on extensions: " + failed);
    }
    target.progress("Restored into " + target.database() + " in " + millis(t0) + " ms");
  }

  /** Names what {@code --no-owner --no-privileges} left out: owners of dumped objects, and grantees. */
  private static void reportDropped(
      SourceServer source, GoldenTarget target, Path pgRestore, Path dump, List<String> grantees) {
    ProcessRunner.Result toc = run(List.of(pgRestore.toString(), "--list", dump.toString()), null);
    if (!toc.ok()) {
      return; // the restore will say what is wrong with the dump
    }
    TreeSet<String> owners = new TreeSet<>();
    int acls = 0;
    for (String line : toc.output().split("\n")) {
      if (line.isBlank() || line.startsWith(";")) {
        continue;
      }
      String[] t = line.split(" ", -1);
      if (t.length > 4 && ("ACL".equals(t[3]) || "ACL".equals(t[4]))) {
        acls++;
      }
      String owner = t[t.length - 1].strip();
      if (t.length > 6 && !owner.isEmpty() && !owner.equals(target.user())) {
        owners.add(owner);
      }
    }
    if (owners.isEmpty() && acls == 0) {
      return;
    }
    String message = "The golden from " + source.where + " does not reproduce the source's roles: its objects belong to "
        + target.user() + (owners.isEmpty() ? "" : ", not to " + owners) + (acls == 0 ? ""
        : ", and " + acls + " grant entr" + (acls == 1 ? "y" : "ies") + (grantees.isEmpty() ? "" : " (to " + grantees + ")")
        + (acls == 1 ? " was" : " were") + " left out") + ". Grant rights on the clones yourself where a test needs them.";
    LOG.log(Level.WARNING, message);
  }

  static LockplaneException dumpFailure(SourceServer source, ProcessRunner.Result r, Path dump) {
    String out = Secrets.scrub(r.output(), source.password);
    if (diskFull(out)) {
      return new LockplaneException(ErrorCode.DISK_FULL, "pg_dump of " + source.where + " ran out of disk space in "
          + dump.getParent() + ", where it writes the dump: " + tail(out) + ". Nothing of it became a golden, and the"
          + " partial dump was deleted. Free space there, or write the dump on a filesystem with room for it (about"
          + " the size of the source's data, compressed): Golden.fromServer(...).dumpDirectory(dir), or point"
          + " java.io.tmpdir elsewhere.");
    }
    String advice;
    if (out.contains("permission denied")) {
      advice = "Role '" + source.user + "' lacks a right pg_dump needs (see the error: grant SELECT on the table or"
          + " USAGE on the schema it names, or GRANT pg_read_all_data on PostgreSQL 14+).";
    } else if (out.contains("does not exist") || out.contains("terminating connection") || out.contains("server closed")
        || out.contains("could not import") || out.contains("connection to server") || out.contains("FATAL")) {
      advice = "The source database went away during the dump (dropped, or its server restarted). Nothing of it"
          + " became a golden; prepare again once the source is back.";
    } else if (out.contains("version mismatch")) {
      advice = "Install a pg_dump of the source's major version or newer.";
    } else {
      advice = "Nothing of it became a golden.";
    }
    return new LockplaneException(ErrorCode.DATABASE_ERROR,
        "pg_dump of " + source.where + " failed (exit " + r.exitCode() + "): " + tail(out) + ". " + advice);
  }

  /** The SQL of each failed statement, as pg_restore quotes it after "Command was:". */
  private static List<String> failedCommands(String output) {
    List<String> out = new ArrayList<>();
    for (String line : output.split("\n")) {
      int i = line.indexOf("Command was: ");
      if (i >= 0) {
        out.add(line.substring(i + "Command was: ".length()).strip());
      }
    }
    return out;
  }

  static ProcessRunner.Result run(List<String> command, String password) {
    Map<String, String> env = new TreeMap<>();
    env.put("PGAPPNAME", "lockplane-golden");
    env.put("PGCONNECT_TIMEOUT", "15");
    if (password != null) {
      env.put("PGPASSWORD", password);
    }
    try {
      return ProcessRunner.run(command, null, env, NO_LIMIT);
    } catch (IOException e) {
      throw new LockplaneException(ErrorCode.BINARIES_NOT_FOUND, "Cannot run " + command.get(0) + ": " + e.getMessage(), e);
    }
  }

  /** Whether a tool's output says that a disk filled up (ENOSPC, or PostgreSQL's own words for it). */
  static boolean diskFull(String output) {
    return output.contains("No space left on device") || output.contains("could not extend file");
  }

  /**
   * Creates the dump's private directory in {@code parent}, or in {@code java.io.tmpdir} when it is
   * null.
   */
  static Path privateDirectory(Path parent) {
    var mode = PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"));
    try {
      return parent == null ? Files.createTempDirectory("lockplane-dump-", mode)
          : Files.createTempDirectory(parent, "lockplane-dump-", mode);
    } catch (IOException e) {
      String where = parent == null ? "java.io.tmpdir (" + System.getProperty("java.io.tmpdir") + ")" : parent.toString();
      boolean full = String.valueOf(e.getMessage()).contains("No space left");
      throw new LockplaneException(full ? ErrorCode.DISK_FULL : ErrorCode.IO_ERROR, "Cannot create a directory for the"
          + " dump in " + where + ": " + e + ". Give a writable directory with room for the dump:"
          + " Golden.fromServer(...).dumpDirectory(dir), or point java.io.tmpdir elsewhere.", e);
    }
  }

  /**
   * The source's libpq connection string for a tool, without its password.
   *
   * @param source the source
   * @param privateDir a private directory the caller removes, for a client certificate's copy
   */
  static String conninfo(SourceServer source, Path privateDir) {
    Properties p = source.urlProperties();
    StringBuilder sb = new StringBuilder();
    param(sb, "host", p.getProperty("PGHOST"));
    param(sb, "port", p.getProperty("PGPORT"));
    param(sb, "dbname", p.getProperty("PGDBNAME", source.database));
    param(sb, "user", source.user);
    java.util.Optional<SourceServer.ClientFiles> client = source.clientFilesFor(privateDir);
    PASSED_ON.entrySet().stream().sorted(Map.Entry.comparingByKey())
        .filter(e -> client.isEmpty() || !e.getKey().startsWith("sslcert") && !e.getKey().startsWith("sslkey"))
        .forEach(e -> param(sb, e.getValue(), p.getProperty(e.getKey())));
    client.ifPresent(files -> {
      param(sb, "sslcert", files.cert().toString());
      param(sb, "sslkey", files.key().toString());
    });
    return sb.toString().strip();
  }

  private static String targetConninfo(GoldenTarget target) {
    Properties p = org.postgresql.Driver.parseURL(target.jdbcUrl(), new Properties());
    if (p == null) {
      throw new LockplaneException(ErrorCode.INVALID_CONFIGURATION, "The golden's URL is not a PostgreSQL URL: "
          + Secrets.scrub(target.jdbcUrl(), target.password().orElse(null)));
    }
    StringBuilder sb = new StringBuilder();
    param(sb, "host", p.getProperty("PGHOST"));
    param(sb, "port", p.getProperty("PGPORT"));
    param(sb, "dbname", target.database());
    param(sb, "user", target.user());
    PASSED_ON.entrySet().stream().sorted(Map.Entry.comparingByKey())
        .forEach(e -> param(sb, e.getValue(), p.getProperty(e.getKey())));
    return sb.toString().strip();
  }

  /** Appends a libpq keyword/value pair, the value quoted so that spaces or quotes in it stay in it. */
  private static void param(StringBuilder sb, String key, String value) {
    if (value != null && !value.isEmpty()) {
      sb.append(key).append("='").append(value.replace("\\", "\\\\").replace("'", "\\'")).append("' ");
    }
  }

  static String tail(String output) {
    String s = output.strip();
    return s.length() > 2000 ? "…" + s.substring(s.length() - 2000) : s;
  }

  static long millis(long t0) {
    return (System.nanoTime() - t0) / 1_000_000;
  }

  private static long size(Path dir) {
    try {
      return FileTrees.size(dir);
    } catch (IOException e) {
      return 0;
    }
  }
}
