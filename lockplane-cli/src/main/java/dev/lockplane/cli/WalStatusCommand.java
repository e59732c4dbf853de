package dev.lockplane.cli;

import dev.lockplane.backup.BackupRepository;
import dev.lockplane.backup.WalArchiveStatus;
import dev.lockplane.backup.WalArchiveSummary;
import dev.lockplane.cli.OutputOptions.Format;
import java.io.PrintStream;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code lockplane wal status}: what the archive holds, and with --url how far behind the server it is. */
@Command(name = "status", description = {
    "Show the WAL archive per server: the archived segments, gaps, when it was last fed, the last commit and",
    "the restore points found in the archived WAL; with --url, the",
    "server's current WAL position and how much of it is not archived yet (no keys needed)."})
final class WalStatusCommand extends BaseCommand {
  @Mixin RepositoryOptions repository;
  @Mixin ConnectionOptions connection;
  @Mixin OutputOptions output;

  @Override
  int execute() {
    Format format = output.format(spec, Format.TEXT, Format.JSON);
    BackupRepository repo = repository.open(cli, spec, true);
    List<WalArchiveSummary> all = repo.walArchive();
    String serverSystem = null;
    String serverPosition = null;
    if (connection.url != null) {
      Target t = connection.target(cli, spec);
      Properties p = new Properties();
      if (t.user() != null) {
        p.setProperty("user", t.user());
      }
      if (t.password() != null) {
        p.setProperty("password", t.password());
      }
      p.setProperty("replication", "true");
      p.setProperty("preferQueryMode", "simple");
      p.setProperty("assumeMinServerVersion", "10");
      try (Connection c = DriverManager.getConnection(dev.lockplane.internal.sql.JdbcUrls.toJdbc(t.url()), p);
          Statement s = c.createStatement(); ResultSet rs = s.executeQuery("IDENTIFY_SYSTEM")) {
        rs.next();
        serverSystem = rs.getString("systemid");
        serverPosition = rs.getString("xlogpos");
      } catch (SQLException e) {
        throw new dev.lockplane.LockplaneException(dev.lockplane.ErrorCode.DATABASE_ERROR, "Cannot ask "
            + dev.lockplane.internal.sql.JdbcUrls.redact(t.url()) + " for its WAL position: " + e.getMessage()
            + ". The role needs REPLICATION.");
      }
    }
    List<Map<String, Object>> json = new ArrayList<>();
    PrintStream out = cli.out();
    if (all.isEmpty() && format == Format.TEXT) {
      out.println("The WAL archive is empty: start one with lockplane wal archive (or wal push as archive_command).");
    }
    for (WalArchiveSummary w : all) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("systemIdentifier", w.systemIdentifier());
      m.put("segments", w.segments());
      m.put("firstSegment", w.firstSegment());
      m.put("lastSegment", w.lastSegment());
      m.put("archivedThrough", w.archivedThrough());
      m.put("lastArchivedAt", w.lastArchivedAt().toString());
      m.put("gaps", w.gaps());
      m.put("timelines", w.timelines());
      m.put("lastCommit", w.lastCommit() == null ? null : w.lastCommit().toString());
      m.put("restorePoints", w.restorePoints().stream().map(r -> {
        Map<String, Object> x = new LinkedHashMap<>();
        x.put("name", r.name());
        x.put("lsn", r.lsn());
        x.put("createdAt", r.createdAt() == null ? null : r.createdAt().toString());
        x.put("segment", r.segment());
        x.put("timeline", r.timeline());
        return x;
      }).toList());
      m.put("unindexedSegments", w.unindexedSegments());
      Long lag = null;
      if (w.systemIdentifier().equals(serverSystem)) {
        lag = Math.max(0, lsn(serverPosition) - lsn(w.archivedThrough()));
        m.put("serverPosition", serverPosition);
        m.put("lagBytes", lag);
      }
      json.add(m);
      if (format == Format.TEXT) {
        out.println("server " + w.systemIdentifier());
        out.println("  segments   " + w.segments() + ": " + w.firstSegment() + " .. " + w.lastSegment() + " (through "
            + w.archivedThrough() + ", timelines " + w.timelines() + ")");
        out.println("  last fed   " + w.lastArchivedAt() + " (" + ago(w.lastArchivedAt()) + " ago)");
        out.println("  gaps       " + (w.gaps().isEmpty() ? "none" : String.join(", ", w.gaps()) + " (recovery cannot cross them)"));
        if (w.lastCommit() != null) {
          out.println("  last commit " + w.lastCommit());
        }
        if (w.restorePoints().isEmpty()) {
          out.println("  restore points none" + (w.unindexedSegments() > 0 ? " indexed" : ""));
        }
        for (dev.lockplane.backup.ArchivedRestorePoint r : w.restorePoints()) {
          out.println("  restore point " + r.describe());
        }
        if (w.unindexedSegments() > 0) {
          out.println("  not indexed " + w.unindexedSegments() + " segments (archived before the index, or not decodable):"
              + " restore points in them are not listed");
        }
        if (lag != null) {
          out.println("  server     at " + serverPosition + ", " + lag + " bytes not archived yet");
        }
      }
    }
    if (format == Format.JSON) {
      out.print(Json.write(json));
    }
    return Main.OK;
  }

  private static long lsn(String text) {
    String[] p = text.split("/");
    return (Long.parseLong(p[0], 16) << 32) | Long.parseLong(p[1], 16);
  }

  private static String ago(Instant t) {
    Duration d = Duration.between(t, Instant.now());
    return d.toHours() > 0 ? d.toHours() + " h" : d.toMinutes() > 0 ? d.toMinutes() + " min" : d.toSeconds() + " s";
  }

  /** One line about a running archiver. */
  static String line(WalArchiveStatus s) {
    return s.state().name().toLowerCase(java.util.Locale.ROOT) + ": " + s.server() + " slot " + s.slot() + ", archived through "
        + s.archivedThrough() + (s.lastSegment() == null ? "" : " (" + s.lastSegment() + ")") + ", " + s.segmentsArchived()
        + " segments this run" + (s.lagBytes() >= 0 ? ", " + s.lagBytes() + " bytes behind" : "")
        + (s.gaps().isEmpty() ? "" : ", gaps " + s.gaps());
  }

  /** A running archiver's status as JSON. */
  static Map<String, Object> json(WalArchiveStatus s) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("state", s.state().name().toLowerCase(java.util.Locale.ROOT));
    m.put("server", s.server());
    m.put("slot", s.slot());
    m.put("systemIdentifier", s.systemIdentifier());
    m.put("timeline", s.timeline());
    m.put("archivedThrough", s.archivedThrough());
    m.put("lastSegment", s.lastSegment());
    m.put("segmentsArchived", s.segmentsArchived());
    m.put("bytesStored", s.bytesStored());
    m.put("lagBytes", s.lagBytes());
    m.put("gaps", s.gaps());
    m.put("timelineSwitches", s.timelineSwitches());
    m.put("lastError", s.lastError());
    return m;
  }
}
