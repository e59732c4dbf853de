package dev.lockplane.internal.backup;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lockplane.ErrorCode;
import dev.lockplane.backup.BackupException;
import dev.lockplane.backup.Progress;
import dev.lockplane.internal.fs.FileTrees;
import dev.lockplane.internal.sql.JdbcUrls;
import dev.lockplane.internal.wire.PgTls;
import dev.lockplane.internal.wire.PgWire;
import dev.lockplane.internal.wire.WireBaseBackup;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * A physical backup of any server reachable over the network, by a role with the {@code REPLICATION}
 * attribute and no access to the server's files. On PostgreSQL 13+ this JVM runs {@code BASE_BACKUP}
 * on a replication connection of its own ({@link PgWire}), so no client tools are needed; older
 * servers (no backup manifest) need {@code pg_basebackup} of their major version. Either way one tar archive arrives
 * (data files, the WAL the backup needs, the backup label) with PostgreSQL's own
 * {@code backup_manifest}, and each entry goes straight into the repository, so no plaintext copy
 * touches the local disk. An incremental backup compares each part with its parent's and stores the
 * parts that differ; on PostgreSQL 17+ with {@code summarize_wal = on} the server sends only the
 * changed blocks of relation files, stored as block deltas. The system identifier and version come
 * from a replication connection ({@code IDENTIFY_SYSTEM}); the WAL range from the backup manifest.
 */
public final class ReplicationSource {
  /** The oldest major version backed up over this JVM's own connection: the first with backup manifests. */
  private static final int WIRE_MAJOR = 13;

  private ReplicationSource() {}

  /** Where the server is, as the backup manifest records it: never the user or the password. */
  public record Address(String host, int port, String database) {
    /** Returns the address for messages, such as {@code db.example.com:5432}. */
    @Override
    public String toString() {
      return host + ":" + port;
    }
  }

  /**
   * Returns where a URL points.
   *
   * @param url a {@code jdbc:postgresql:} or {@code postgres://} URL
   * @return host, port (default 5432) and database (default {@code postgres})
   */
  public static Address address(String url) {
    String jdbc = JdbcUrls.toJdbc(url);
    URI u = URI.create(jdbc.substring("jdbc:".length()));
    String db = u.getPath() == null || u.getPath().length() <= 1 ? "postgres" : u.getPath().substring(1);
    return new Address(u.getHost() == null ? "localhost" : u.getHost(), u.getPort() < 0 ? 5432 : u.getPort(), db);
  }

  /**
   * Runs the backup, with or without counting each table's rows.
   *
   * @param url the server's URL
   * @param user the role, or {@code null} for the URL's
   * @param password the password, or {@code null}
   * @param backupId the backup id
   * @param writer the data writer
   * @param progress the progress tracker
   * @param countRows whether to count every table's rows (recorded for drills and compare)
   * @param incremental decides which parts are the parent's, or {@code null} for a full backup
   * @return the recorded facts
   */
  public static PhysicalSource.Result run(String url, String user, String password, String backupId, DataWriter writer,
      ProgressTracker progress, boolean countRows, IncrementalFiles incremental) {
    Address where = address(url);
    String role = user != null ? user : JdbcUrls.userOf(url);
    String secret = password != null ? password : JdbcUrls.passwordOf(url);
    String version;
    int major;
    String sysid;
    Properties props = new Properties();
    if (role != null) {
      props.setProperty("user", role);
    }
    if (secret != null) {
      props.setProperty("password", secret);
    }
    props.setProperty("replication", "true");
    Optional<PgTls> given;
    try {
      given = PgTls.given(url);
    } catch (IllegalArgumentException e) {
      throw new BackupException(ErrorCode.INVALID_CONFIGURATION, "Physical backup " + backupId + " of " + where + ": "
          + e.getMessage() + ".", backupId, null, null);
    }
    PgTls tls = given.orElse(PgTls.of(PgWire.SslMode.PREFER));
    // the same TLS as the backup's own connection: a verifying mode checks the certificate before the password goes
    given.ifPresent(t -> t.applyTo(props));
    props.setProperty("assumeMinServerVersion", "10");
    props.setProperty("preferQueryMode", "simple");
    props.setProperty("ApplicationName", "lockplane-backup");
    String jdbc = "jdbc:postgresql://" + where.host() + ":" + where.port() + "/" + where.database();
    if (incremental != null) {
      incremental.prefetch();
    }
    try (Connection c = DriverManager.getConnection(jdbc, props); Statement s = c.createStatement()) {
      try (ResultSet rs = s.executeQuery("IDENTIFY_SYSTEM")) {
        rs.next();
        sysid = rs.getString("systemid");
      }
      try (ResultSet rs = s.executeQuery("SHOW server_version")) {
        rs.next();
        version = rs.getString(1);
      }
      try (ResultSet rs = s.executeQuery("SHOW server_version_num")) {
        rs.next();
        major = Integer.parseInt(rs.getString(1)) / 10000;
      }
    } catch (SQLException e) {
      throw new BackupException(ErrorCode.DATABASE_ERROR, "Physical backup " + backupId + ": cannot open a replication "
          + "connection to " + where + " as " + (role == null ? "the default user" : "'" + role + "'") + ": "
          + tls.clientCertificateRefused(e).orElse(Redaction.message(e)) + ". The role needs the REPLICATION attribute"
          + " and a pg_hba.conf line for the 'replication' database; check the host, port and password.", backupId,
          null, Redaction.cause(e));
    }
    if (incremental != null) {
      incremental.resolve(sysid, major, backupId, writer);
    }
    List<String> dirs = new ArrayList<>();
    byte[] manifest;
    progress.phase(Progress.Phase.COPYING, -1, -1);
    if (major >= WIRE_MAJOR) {
      manifest = overWire(where, role, secret, tls, major, backupId, writer, incremental, dirs);
    } else {
      manifest = withPgBasebackup(where, role, secret, given.orElse(null), major, version, backupId, writer, incremental, dirs);
    }
    writer.awaitAll();
    String startLsn;
    String stopLsn;
    int timeline;
    try {
      JsonNode ranges = new ObjectMapper().readTree(manifest).path("WAL-Ranges");
      JsonNode first = ranges.get(0);
      JsonNode last = ranges.get(ranges.size() - 1);
      startLsn = first.path("Start-LSN").asText();
      stopLsn = last.path("End-LSN").asText();
      timeline = last.path("Timeline").asInt();
    } catch (IOException | RuntimeException e) {
      throw new BackupException(ErrorCode.CORRUPTED, "The backup_manifest pg_basebackup sent for " + where
          + " cannot be read: " + e.getMessage(), backupId, null, e);
    }
    List<String> databases = new ArrayList<>();
    Map<String, Manifest.TableInfo> tables = new TreeMap<>();
    statistics(jdbc, role, secret, given.orElse(null), databases, tables, countRows);
    java.util.Collections.sort(dirs);
    return new PhysicalSource.Result(version, major, sysid, databases, startLsn, stopLsn, timeline, dirs, tables);
  }

  /**
   * Takes the base backup on a connection of this JVM's own ({@code BASE_BACKUP}, PostgreSQL 13+),
   * so no client tools are needed. On PostgreSQL 17+ with {@code summarize_wal = on}, an incremental
   * whose parent was taken over replication uploads the parent's {@code backup_manifest} and asks
   * the server for changed blocks only; otherwise (or when the server refuses) parts are compared
   * with the parent's.
   */
  private static byte[] overWire(Address where, String role, String secret, PgTls ssl, int major,
      String backupId, DataWriter writer, IncrementalFiles incremental, List<String> dirs) {
    String user = role != null ? role : System.getProperty("user.name");
    PgWire wire;
    try {
      wire = PgWire.connect(where.host(), where.port(), user, secret, ssl, "lockplane-backup");
    } catch (IOException e) {
      throw new BackupException(ErrorCode.DATABASE_ERROR, "Physical backup " + backupId + ": cannot open a replication "
          + "connection to " + where + " as '" + user + "': " + ssl.clientCertificateRefused(e).orElse(Redaction.text(e))
          + ". The role needs the REPLICATION attribute and a pg_hba.conf line for the 'replication' database; check"
          + " the host, port and password.",
          backupId, null, Redaction.cause(e));
    }
    String stage = "starting the backup";
    try (wire) {
      // a temporary slot of this connection keeps the WAL the backup needs (from before its
      // checkpoint to its end) from being recycled until the connection closes: no wal_keep_size
      // guess on a busy server
      WireBaseBackup.createSlot(wire, major, WireBaseBackup.temporarySlotName("lockplane_backup_"), true);
      int blockSize = Integer.parseInt(wire.query("SHOW block_size").get(0).get(0));
      String why = null;
      boolean blocks = false;
      if (incremental != null && major >= 17) {
        boolean summarized = "on".equals(wire.query("SHOW summarize_wal").get(0).get(0));
        byte[] parentManifest = summarized ? incremental.parentServerManifest() : null;
        if (!summarized) {
          why = "summarize_wal is off on the server";
        } else if (parentManifest == null) {
          why = "the parent holds no backup_manifest of the server's (it was not taken over replication)";
        } else {
          try {
            wire.execute("UPLOAD_MANIFEST", new PgWire.Listener() {
              @Override
              public InputStream copyIn() {
                return new java.io.ByteArrayInputStream(parentManifest);
              }
            });
            blocks = true;
          } catch (PgWire.ServerError e) {
            why = "the server refused the parent's backup_manifest: " + e.getMessage();
          }
        }
      }
      while (true) {
        String command = WireBaseBackup.command("lockplane " + backupId, major, blocks);
        int[] stored = new int[1];
        try (WireBaseBackup bb = WireBaseBackup.start(wire, command, major < 15)) {
          stage = "receiving the data directory";
          try {
            storeEntries(new TarArchiveInputStream(bb.archive()), writer, incremental, blocks, blockSize, dirs, stored);
          } catch (PgWire.ServerError e) {
            if (blocks && stored[0] == 0) {
              // refused before it sent anything (summaries not covering the parent's start): parts instead
              blocks = false;
              why = "the server refused an incremental base backup: " + e.getMessage();
              continue;
            }
            throw e;
          }
          stage = "finishing the backup";
          byte[] manifest = bb.finish();
          writer.addStream("backup_manifest", new java.io.ByteArrayInputStream(manifest));
          if (incremental != null && major >= 17) {
            incremental.serverIncremental(blocks ? null : why);
          }
          return manifest;
        }
      }
    } catch (PgWire.ServerError e) {
      throw new BackupException(ErrorCode.DATABASE_ERROR, "Physical backup " + backupId + " of " + where
          + " failed while " + stage + ": the server said: " + Redaction.text(e) + ". Check that max_wal_senders allows "
          + "one more connection.", backupId, null, Redaction.cause(e));
    } catch (IOException e) {
      throw new BackupException(DataWriter.isDiskFull(e) ? ErrorCode.DISK_FULL : ErrorCode.IO_ERROR, "Physical backup "
          + backupId + " of " + where + " failed while " + stage + ": " + Redaction.text(e), backupId, null,
          Redaction.cause(e));
    }
  }

  /** Runs {@code pg_basebackup} of the server's major version, for servers older than 13. */
  private static byte[] withPgBasebackup(Address where, String role, String secret, PgTls tls, int major,
      String version, String backupId, DataWriter writer, IncrementalFiles incremental, List<String> dirs) {
    Path tool = machineTool(major, "pg_basebackup").orElseThrow(() -> new BackupException(ErrorCode.BINARIES_NOT_FOUND,
        "No pg_basebackup for PostgreSQL " + major + " (the server at " + where + " runs " + version + ") was found in "
            + "/usr/lib/postgresql/" + major + "/bin or /usr/pgsql-" + major + "/bin. It must match the server's major "
            + "version: install postgresql-client-" + major + " (Debian/Ubuntu).", backupId, null, null));
    List<String> command = new ArrayList<>(List.of(tool.toString(), "-h", where.host(), "-p", String.valueOf(where.port()),
        "--no-password", "-D", "-", "-F", "t", "-X", "fetch", "-c", "fast", "-l", "lockplane " + backupId));
    if (role != null) {
      command.addAll(List.of("-U", role));
    }
    ProcessBuilder pb = new ProcessBuilder(command);
    if (secret != null) {
      pb.environment().put("PGPASSWORD", secret);
    }
    pb.environment().put("PGAPPNAME", "lockplane-backup");
    Path clientFiles = null;
    if (tls != null) {
      pb.environment().put("PGSSLMODE", tls.mode().libpqName());
      if (tls.rootCert() != null) {
        pb.environment().put("PGSSLROOTCERT", tls.rootCert());
      }
      if (tls.client() != null) {
        // libpq reads PEM only and cannot be given sslpassword here: a private unencrypted copy for the tool's run
        try {
          clientFiles = Files.createTempDirectory("lockplane-tls-",
              java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                  java.nio.file.attribute.PosixFilePermissions.fromString("rwx------")));
          tls.client().writePem(clientFiles.resolve("client.crt"), clientFiles.resolve("client.key"));
        } catch (IOException e) {
          if (clientFiles != null) {
            FileTrees.deleteQuietly(clientFiles);
          }
          throw new BackupException(ErrorCode.IO_ERROR, "Cannot write the client certificate for pg_basebackup: "
              + e.getMessage(), backupId, null, e);
        }
        pb.environment().put("PGSSLCERT", clientFiles.resolve("client.crt").toString());
        pb.environment().put("PGSSLKEY", clientFiles.resolve("client.key").toString());
      }
    }
    try {
      return runPgBasebackup(pb, tool, where, backupId, writer, incremental, dirs);
    } finally {
      if (clientFiles != null) {
        FileTrees.deleteQuietly(clientFiles);
      }
    }
  }

  private static byte[] runPgBasebackup(ProcessBuilder pb, Path tool, Address where, String backupId, DataWriter writer,
      IncrementalFiles incremental, List<String> dirs) {
    Process p;
    try {
      p = pb.start();
    } catch (IOException e) {
      throw new BackupException(ErrorCode.BINARIES_NOT_FOUND, "Cannot run " + tool + ": " + e.getMessage(), backupId, null, e);
    }
    PgTools.ErrorCollector stderr = new PgTools.ErrorCollector(p.getErrorStream());
    boolean ok = false;
    byte[] manifest;
    try (InputStream out = p.getInputStream(); TarArchiveInputStream tar = new TarArchiveInputStream(out)) {
      manifest = storeEntries(tar, writer, incremental, false, 0, dirs, new int[1]);
      // pg_basebackup ends the stream with padding after the archive's end marker
      out.transferTo(java.io.OutputStream.nullOutputStream());
      ok = true;
    } catch (IOException e) {
      p.destroyForcibly();
      throw new BackupException(DataWriter.isDiskFull(e) ? ErrorCode.DISK_FULL : ErrorCode.IO_ERROR, "Physical backup "
          + backupId + " of " + where + " failed while storing pg_basebackup's output: " + Redaction.text(e)
          + tail(stderr.text()), backupId, null, Redaction.cause(e));
    } finally {
      if (!ok) {
        p.destroyForcibly();
      }
    }
    int code;
    try {
      code = p.waitFor();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      p.destroyForcibly();
      throw new BackupException(ErrorCode.IO_ERROR, "Physical backup " + backupId + " was interrupted.", backupId, null, e);
    }
    if (code != 0 || manifest == null) {
      throw new BackupException(ErrorCode.DATABASE_ERROR, "pg_basebackup of " + where + " failed (exit code " + code + ")"
          + (manifest == null && code == 0 ? ": it sent no backup_manifest" : "") + tail(stderr.text())
          + ". Check that the role has the REPLICATION attribute and that max_wal_senders allows one more connection.",
          backupId, null, null);
    }
    return manifest;
  }

  /**
   * Stores each entry of a base backup's tar archive; PostgreSQL's incremental files (named
   * {@code INCREMENTAL.<file>}) as block deltas when {@code blocks}. Returns the
   * {@code backup_manifest} entry, if the archive holds one (it is stored too).
   */
  private static byte[] storeEntries(TarArchiveInputStream tar, DataWriter writer, IncrementalFiles incremental,
      boolean blocks, int blockSize, List<String> dirs, int[] stored) throws IOException {
    byte[] manifest = null;
    TarArchiveEntry e;
    while ((e = tar.getNextEntry()) != null) {
      String name = WireBaseBackup.entryPath(e.getName());
      if (name.isEmpty()) {
        continue;
      }
      if (!ObjectKeys.isRelativePath(name)) {
        throw new IOException("the server sent an entry named '" + name + "', outside the data directory");
      }
      stored[0]++;
      if (e.isDirectory()) {
        dirs.add(name);
      } else if (e.isFile()) {
        int slash = name.lastIndexOf('/');
        String base = name.substring(slash + 1);
        if (name.equals("backup_manifest")) {
          manifest = tar.readAllBytes();
          writer.addStream(name, new java.io.ByteArrayInputStream(manifest));
        } else if (blocks && name.equals("backup_label")) {
          // restored, the chain is a whole data directory: PostgreSQL refuses to start on a label that
          // still says incremental (pg_combinebackup drops these lines too)
          String label = new String(tar.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
          String whole = label.lines().filter(l -> !l.startsWith("INCREMENTAL FROM "))
              .collect(java.util.stream.Collectors.joining("\n", "", "\n"));
          writer.addStream(name, new java.io.ByteArrayInputStream(whole.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        } else if (blocks && base.startsWith(PG_INCREMENTAL) && base.length() > PG_INCREMENTAL.length()) {
          incremental.addServerIncremental(name.substring(0, slash + 1) + base.substring(PG_INCREMENTAL.length()), tar,
              blockSize);
        } else if (incremental != null) {
          incremental.addStream(name, tar);
        } else {
          writer.addStream(name, tar);
        }
      }
    }
    return manifest;
  }

  /**
   * How a server of a major version is backed up, as the manifest's {@code method} attribute records it.
   *
   * @param major the server's major version
   * @return {@code BASE_BACKUP} (this JVM's replication connection) or {@code pg_basebackup}
   */
  public static String method(int major) {
    return major >= WIRE_MAJOR ? "BASE_BACKUP" : "pg_basebackup";
  }

  /** The prefix of PostgreSQL's incremental files in an incremental base backup. */
  private static final String PG_INCREMENTAL = "INCREMENTAL.";

  /**
   * Lists the databases and their tables' row counts over an ordinary connection, where the role
   * may log in; a replication-only role leaves both empty, which restores need not know.
   */
  private static void statistics(String jdbc, String role, String secret, PgTls tls, List<String> databases,
      Map<String, Manifest.TableInfo> tables, boolean countRows) {
    Properties props = new Properties();
    if (tls != null) {
      tls.applyTo(props);
    }
    if (role != null) {
      props.setProperty("user", role);
    }
    if (secret != null) {
      props.setProperty("password", secret);
    }
    try (Connection c = DriverManager.getConnection(jdbc, props); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT datname FROM pg_database WHERE datallowconn AND NOT datistemplate ORDER BY datname")) {
      while (rs.next()) {
        databases.add(rs.getString(1));
      }
    } catch (SQLException e) {
      return;
    }
    for (String db : databases) {
      try (Connection dc = DriverManager.getConnection(JdbcUrls.withDatabase(jdbc, db), props)) {
        tables.putAll(TableStats.postgres(dc, db, countRows, null));
      } catch (SQLException e) {
        // no access to this database's tables: its row counts stay unknown
      }
    }
  }

  private static String tail(String stderr) {
    return stderr.isEmpty() ? "" : "; pg_basebackup said: " + Redaction.text(stderr);
  }

  /** Finds a client tool of a major version on the machine, where Debian and the PGDG packages put them. */
  static Optional<Path> machineTool(int major, String name) {
    for (Path d : List.of(Path.of("/usr/lib/postgresql", String.valueOf(major), "bin"), Path.of("/usr/pgsql-" + major, "bin"))) {
      Path p = d.resolve(name);
      if (Files.isExecutable(p)) {
        return Optional.of(p);
      }
    }
    return Optional.empty();
  }
}
