package dev.lockplane.internal.backup;

import dev.lockplane.ErrorCode;
import dev.lockplane.backup.BackupException;
import dev.lockplane.internal.fs.FileTrees;
import dev.lockplane.internal.sql.Identifiers;
import dev.lockplane.internal.sql.JdbcUrls;
import dev.lockplane.postgres.LocalPostgres;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * Copies one database of a restored server into a new database on another server reached by URL:
 * {@code pg_dump} of the restored server's version into a private file, then {@code pg_restore} of the
 * same version into the new database. Owners and grants are left out: the objects belong to the role
 * that restores them. A copy that fails drops the database it created.
 */
public final class DatabaseCopy {
  private DatabaseCopy() {}

  /**
   * Copies.
   *
   * @param from the restored server
   * @param database the database on it
   * @param url the target server, {@code jdbc:postgresql:} or {@code postgres://} (any database on it)
   * @param user the role, or null for the URL's
   * @param password its password, or null for the URL's; passed to the tools through the environment
   * @param target the new database's name; refused when it exists
   * @param backupId the backup the restored server holds, for messages
   */
  public static void copy(LocalPostgres from, String database, String url, String user, String password, String target,
      String backupId) {
    String jdbc = JdbcUrls.toJdbc(url);
    String role = user != null ? user : JdbcUrls.userOf(url);
    String secret = password != null ? password : JdbcUrls.passwordOf(url);
    String where = "database '" + target + "' at " + JdbcUrls.redact(url);
    create(jdbc, role, secret, target, where, backupId);
    Path dir = null;
    try {
      dir = Files.createTempDirectory("lockplane-copy-");
      Path dump = dir.resolve("dump");
      List<String> dumpCmd = new ArrayList<>(List.of(PgTools.tool(from, "pg_dump").toString(), "-Fc", "-f", dump.toString()));
      dumpCmd.addAll(PgTools.connectionArgs(from, database));
      run(PgTools.start(dumpCmd, from), "pg_dump", database, backupId);
      URI u = URI.create(JdbcUrls.toJdbc(url).substring("jdbc:".length()));
      String quoted = "'" + target.replace("\\", "\\\\").replace("'", "\\'") + "'";
      List<String> restoreCmd = new ArrayList<>(List.of(PgTools.tool(from, "pg_restore").toString(),
          "-h", u.getHost() == null ? "localhost" : u.getHost(), "-p", String.valueOf(u.getPort() < 0 ? 5432 : u.getPort()),
          "-d", "dbname=" + quoted, "--no-password", "--no-owner", "--no-privileges", "--exit-on-error"));
      if (role != null) {
        restoreCmd.addAll(List.of("-U", role));
      }
      restoreCmd.add(dump.toString());
      ProcessBuilder pb = new ProcessBuilder(restoreCmd);
      if (secret != null) {
        pb.environment().put("PGPASSWORD", secret);
      }
      pb.environment().put("PGAPPNAME", "lockplane-backup");
      run(pb.start(), "pg_restore", target, backupId);
    } catch (IOException | RuntimeException e) {
      BackupException failure = e instanceof BackupException b ? b : new BackupException(ErrorCode.IO_ERROR,
          "Copying database '" + database + "' of backup " + backupId + " into " + where + " failed: "
              + Redaction.text(e), backupId, null, Redaction.cause(e));
      try {
        drop(jdbc, role, secret, target);
      } catch (SQLException dropFailure) {
        failure.addSuppressed(new IllegalStateException("The half-made database '" + target + "' could not be dropped: "
            + Redaction.message(dropFailure)));
      }
      throw failure;
    } finally {
      if (dir != null) {
        FileTrees.deleteQuietly(dir);
      }
    }
  }

  private static void run(Process p, String tool, String database, String backupId) throws IOException {
    PgTools.ErrorCollector err = new PgTools.ErrorCollector(p.getErrorStream());
    p.getOutputStream().close();
    p.getInputStream().close();
    LogicalSource.waitFor(p, err, tool, database, backupId);
  }

  private static Connection connect(String jdbc, String user, String password) throws SQLException {
    Properties p = new Properties();
    if (user != null) {
      p.setProperty("user", user);
    }
    if (password != null) {
      p.setProperty("password", password);
    }
    return DriverManager.getConnection(jdbc, p);
  }

  private static void create(String jdbc, String user, String password, String target, String where, String backupId) {
    try (Connection c = connect(jdbc, user, password)) {
      try (PreparedStatement q = c.prepareStatement("SELECT count(*) FROM pg_database WHERE datname = ?")) {
        q.setString(1, target);
        try (ResultSet rs = q.executeQuery()) {
          rs.next();
          if (rs.getInt(1) > 0) {
            throw new BackupException(ErrorCode.ALREADY_EXISTS, "Cannot restore backup " + backupId + " into " + where
                + ": it exists. Name a new database, or drop that one first.", backupId, null, null);
          }
        }
      }
      try (Statement s = c.createStatement()) {
        // template0: the new database holds exactly what the dump creates, whatever template1 holds
        s.execute("CREATE DATABASE " + Identifiers.quote(target) + " TEMPLATE template0");
      }
    } catch (SQLException e) {
      throw new BackupException(ErrorCode.DATABASE_ERROR, "Cannot create " + where + " to restore backup " + backupId
          + " into: " + Redaction.message(e) + ". The role needs CREATEDB.", backupId, null, Redaction.cause(e));
    }
  }

  private static void drop(String jdbc, String user, String password, String target) throws SQLException {
    try (Connection c = connect(jdbc, user, password); Statement s = c.createStatement()) {
      s.execute("DROP DATABASE IF EXISTS " + Identifiers.quote(target) + " WITH (FORCE)");
    }
  }
}
