package dev.lockplane.internal.backup;

import dev.lockplane.ErrorCode;
import dev.lockplane.backup.BackupException;
import dev.lockplane.internal.postgres.ClientTools;
import dev.lockplane.postgres.LocalPostgres;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Finds and runs PostgreSQL client tools matched to a server's major version. */
public final class PgTools {
  private PgTools() {}

  /**
   * Finds a tool of the server's major version.
   *
   * @param pg the server
   * @param tool {@code pg_dump} or {@code pg_restore}
   * @return the tool's path
   * @throws BackupException with {@code BINARIES_NOT_FOUND} when none matches
   */
  public static Path tool(LocalPostgres pg, String tool) {
    int major = pg.majorVersion();
    return ClientTools.find(tool, major, pg.installation().binDirectory()).orElseThrow(() -> new BackupException(
        ErrorCode.BINARIES_NOT_FOUND, ClientTools.missing(tool, major, true) + " Or take a physical backup instead.",
        null, null, null));
  }

  /**
   * Returns the connection arguments for a server (the password goes through the environment). The
   * database goes in as a quoted {@code dbname=} connection string: a bare name containing
   * {@code =} would be read as a connection string of its own, with whatever options it names.
   */
  public static List<String> connectionArgs(LocalPostgres pg, String database) {
    String quoted = "'" + database.replace("\\", "\\\\").replace("'", "\\'") + "'";
    return new ArrayList<>(List.of("-h", pg.host(), "-p", String.valueOf(pg.port()), "-U", pg.user(),
        "-d", "dbname=" + quoted, "--no-password"));
  }

  /** Starts a tool with the server's password in its environment, not on its command line. */
  public static Process start(List<String> command, LocalPostgres pg) throws IOException {
    ProcessBuilder pb = new ProcessBuilder(command);
    pb.environment().put("PGPASSWORD", pg.password());
    pb.environment().put("PGAPPNAME", "lockplane-backup");
    return pb.start();
  }

  /** Collects a process's standard error in the background, keeping its last 16 KiB. */
  public static final class ErrorCollector extends Thread {
    private final InputStream in;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    /** Starts collecting. */
    public ErrorCollector(InputStream in) {
      super("lockplane-tool-stderr");
      this.in = in;
      setDaemon(true);
      start();
    }

    @Override
    public void run() {
      byte[] buf = new byte[8192];
      try {
        int n;
        while ((n = in.read(buf)) >= 0) {
          synchronized (out) {
            out.write(buf, 0, n);
            if (out.size() > 64 * 1024) {
              byte[] all = out.toByteArray();
              out.reset();
              out.write(all, all.length - 16 * 1024, 16 * 1024);
            }
          }
        }
      } catch (IOException ignored) {
        // the process ended
      }
    }

    /** Returns what was collected, after waiting briefly for the stream to end. */
    public String text() {
      try {
        join(5000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      synchronized (out) {
        return out.toString(StandardCharsets.UTF_8).trim();
      }
    }
  }
}
