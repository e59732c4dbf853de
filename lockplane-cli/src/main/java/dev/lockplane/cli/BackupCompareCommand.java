package dev.lockplane.cli;

import dev.lockplane.ErrorCode;
import dev.lockplane.LockplaneException;
import dev.lockplane.backup.CompareReport;
import dev.lockplane.cli.OutputOptions.Format;
import java.io.PrintStream;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;
import java.util.TreeMap;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code lockplane backup compare}: a backup's tables and row counts against a live database. */
@Command(name = "compare", description = {"Compare a backup's tables, columns and row counts with the live database in --url.",
    "Exit 2: they differ."})
final class BackupCompareCommand extends BaseCommand {
  @Mixin RepositoryOptions repository;
  @Mixin ConnectionOptions connection;
  @Mixin OutputOptions output;

  @Parameters(index = "0", paramLabel = "ID", description = "The backup id.")
  String id;

  @Option(names = "--database", paramLabel = "DB", description = "The database in the backup (when it holds several).")
  String database;

  @Option(names = "--jdbc-url", hidden = true, paramLabel = "URL", description = "The former name of --url.")
  String jdbcUrl;

  @Option(names = "--password-env", hidden = true, paramLabel = "VAR", description = "Read the password from VAR.")
  String passwordEnv;

  @Override
  int execute() {
    Format format = output.format(spec, Format.TEXT, Format.JSON);
    if (jdbcUrl != null) {
      if (connection.url != null) {
        throw usage("give --url or --jdbc-url, not both");
      }
      connection.url = jdbcUrl;
    }
    if (passwordEnv != null && connection.password == null) {
      connection.password = cli.env(passwordEnv);
      cli.secret(connection.password);
    }
    Target target = connection.target(cli, spec);
    var repo = repository.open(cli, spec, true);
    CompareReport r;
    try (Connection c = target.dataSource().getConnection()) {
      r = repo.compare(id, c, database);
    } catch (SQLException e) {
      throw new LockplaneException(ErrorCode.DATABASE_ERROR, "Cannot connect to " + target.shown() + ": " + e.getMessage(), e);
    }
    PrintStream out = cli.out();
    if (format == Format.JSON) {
      Map<String, Object> m = new TreeMap<>();
      m.put("backupId", id);
      m.put("same", r.same());
      m.put("rowCounts", r.rowCounts().stream().map(d -> Map.of("table", d.table(), "backup", d.backup(), "live", d.live())).toList());
      m.put("onlyInBackup", r.onlyInBackup());
      m.put("onlyLive", r.onlyLive());
      m.put("columnChanges", r.columnChanges().stream()
          .map(d -> Map.of("table", d.table(), "backup", d.backup(), "live", d.live())).toList());
      out.print(Json.write(m));
    } else {
      r.rowCounts().forEach(d -> out.println("ROWS " + d.table() + ": backup " + d.backup() + ", live " + d.live()));
      r.onlyInBackup().forEach(t -> out.println("ONLY IN BACKUP " + t));
      r.onlyLive().forEach(t -> out.println("ONLY LIVE " + t));
      r.columnChanges().forEach(d -> out.println("COLUMNS " + d.table() + ": backup " + d.backup() + ", live " + d.live()));
      out.println(r.same() ? "SAME" : "DIFFERENT");
    }
    return r.same() ? Main.OK : Main.CHANGES;
  }
}
