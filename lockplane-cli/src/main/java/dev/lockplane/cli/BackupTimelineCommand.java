package dev.lockplane.cli;

import dev.lockplane.backup.BackupRepository;
import dev.lockplane.backup.BackupTimeline;
import dev.lockplane.cli.OutputOptions.Format;
import java.sql.Connection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code lockplane backup timeline}: backups, archived WAL and migrations in time order. */
@Command(name = "timeline", description = {
    "Show what the repository can bring back, in time order: backups (time, WAL position), the archived WAL per",
    "server and timeline with its gaps, and with --url/--env the migrations recorded in that database's",
    "lockplane.history (\"backup A 02:00 → migration 41 at 09:58 → now\"). No keys needed. Exit 0."})
final class BackupTimelineCommand extends BaseCommand {
  @Mixin RepositoryOptions repository;
  @Mixin ConnectionOptions connection;
  @Mixin OutputOptions output;

  @Override
  int execute() throws Exception {
    Format format = output.format(spec, Format.TEXT, Format.JSON);
    BackupRepository repo = repository.open(cli, spec, true);
    ConfigFile.Environment e = connection.environment(spec);
    BackupTimeline timeline;
    if (connection.url != null || e != null && e.url() != null) {
      Target live = connection.target(cli, spec);
      try (Connection c = live.dataSource().getConnection()) {
        c.setReadOnly(true);
        timeline = repo.timeline(c);
      }
    } else {
      timeline = repo.timeline();
    }
    if (format == Format.JSON) {
      cli.out().print(Json.write(json(timeline)));
    } else {
      cli.out().print(String.join("\n", timeline.describe()) + "\n");
    }
    return Main.OK;
  }

  static Map<String, Object> json(BackupTimeline t) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("command", "backup timeline");
    m.put("now", t.now().toString());
    m.put("summary", t.describe().get(0));
    m.put("events", t.events().stream().map(e -> {
      Map<String, Object> x = new LinkedHashMap<>();
      x.put("at", e.at() == null ? null : e.at().toString());
      x.put("kind", e.kind().name().toLowerCase(Locale.ROOT).replace('_', '-'));
      x.put("label", e.label());
      x.put("lsn", e.lsn());
      x.put("detail", e.detail());
      return x;
    }).toList());
    m.put("wal", t.wal().stream().map(w -> {
      Map<String, Object> x = new LinkedHashMap<>();
      x.put("systemIdentifier", w.systemIdentifier());
      x.put("timeline", w.timeline());
      x.put("segments", w.segments());
      x.put("firstSegment", w.firstSegment());
      x.put("lastSegment", w.lastSegment());
      x.put("from", w.from());
      x.put("through", w.through());
      x.put("firstArchivedAt", w.firstArchivedAt().toString());
      x.put("lastArchivedAt", w.lastArchivedAt().toString());
      x.put("gaps", w.gaps());
      return x;
    }).toList());
    m.put("notes", List.copyOf(t.notes()));
    return m;
  }
}
