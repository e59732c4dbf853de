package dev.lockplane.cli;

import dev.lockplane.backup.Backup;
import dev.lockplane.backup.BackupRepository;
import dev.lockplane.cli.OutputOptions.Format;
import dev.lockplane.internal.sql.JdbcUrls;
import java.io.PrintStream;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code lockplane backup show}: one backup's details, or its manifest as stored. */
@Command(name = "show", description = {"Show one backup; --format json prints its manifest as stored (no key material).",
    "With --url (or --env with a url) it also says where the backup stands against that live database's",
    "migrations, e.g. \"3 migrations behind the live database\"."})
final class BackupShowCommand extends BaseCommand {
  @Mixin RepositoryOptions repository;
  @Mixin ConnectionOptions connection;
  @Mixin OutputOptions output;

  @Parameters(index = "0", paramLabel = "ID", description = "The backup id.")
  String id;

  @Option(names = "--json", hidden = true, description = "The same as --format json.")
  boolean json;

  @Override
  int execute() {
    Format format = json ? Format.JSON : output.format(spec, Format.TEXT, Format.JSON);
    BackupRepository repo = repository.open(cli, spec, true);
    PrintStream out = cli.out();
    if (format == Format.JSON) {
      out.println(repo.manifestJson(id));
      return Main.OK;
    }
    Backup b = repo.show(id);
    out.println("id:        " + b.id());
    out.println("kind:      " + b.kind().name().toLowerCase(Locale.ROOT));
    out.println("started:   " + b.startTime());
    out.println("finished:  " + b.stopTime());
    out.println("server:    " + b.serverVersion());
    out.println("databases: " + String.join(", ", b.databases()));
    out.println("type:      " + (b.incremental() ? "incremental" : "full"));
    out.println("size:      " + b.size() + " bytes, stored " + b.storedSize() + " bytes in " + b.objects() + " objects"
        + (b.incremental() ? " (the rest is stored by its chain)" : ""));
    out.println("key id:    " + (b.keyId() < 0 ? "none (unencrypted)" : Long.toUnsignedString(b.keyId())));
    out.println("tags:      " + String.join(", ", b.tags()));
    out.println("verified:  " + b.lastVerified().map(Object::toString).orElse("never"));
    b.parentId().ifPresent(p -> out.println("parent:    " + p));
    if (b.incremental()) {
      out.println("chain:     " + chain(repo, b));
    }
    out.println("tables:");
    b.rowCounts().entrySet().stream().sorted(Map.Entry.comparingByKey())
        .forEach(e -> out.println("  " + e.getKey() + (e.getValue() < 0 ? " (rows not counted)" : " " + e.getValue() + " rows")));
    schemaState(repo, b, out);
    return Main.OK;
  }

  /** The backup's migration state, and against the live database when one is named. */
  private void schemaState(BackupRepository repo, Backup b, PrintStream out) {
    ConfigFile.Environment env = connection.environment(spec);
    Target live = connection.url != null || env != null && env.url() != null ? connection.target(cli, spec) : null;
    String database = live == null ? null : live.sqlite() ? "main" : JdbcUrls.databaseOf(live.url());
    for (String db : database != null ? java.util.List.of(database) : b.databases()) {
      var state = repo.schemaState(b.id(), db);
      if (state.isEmpty()) {
        out.println("schema:    " + db + ": no migration state recorded");
        continue;
      }
      var st = state.get();
      out.println("schema:    " + db + ": " + (st.lastMigration() < 0 ? "no migration applied"
          : "last migration #" + st.lastMigration() + " of " + st.migrations())
          + (st.schemaHash() == null ? "" : ", schema " + st.schemaHash()));
      if (live != null) {
        try (Connection c = live.requireExisting("backup show").dataSource().getConnection()) {
          out.println("live:      " + st.describeAgainst(c));
        } catch (SQLException | dev.lockplane.LockplaneException e) {
          // the backup is still shown: the live database is an extra, and may be unreachable from here
          out.println("live:      cannot read " + live.shown() + ": " + JdbcUrls.redact(e.getMessage()));
        }
      }
    }
  }

  /** Describes the chain a restore reads, the backup itself first, naming a link that cannot be read. */
  private static String chain(BackupRepository repo, Backup b) {
    StringBuilder text = new StringBuilder(b.id() + " (stores " + b.storedSize() + " bytes)");
    Backup link = b;
    while (link.incremental()) {
      String parent = link.parentId().orElseThrow();
      try {
        link = repo.show(parent);
      } catch (dev.lockplane.backup.BackupException e) {
        return text + " <- " + parent + " (cannot be read: " + e.code() + "; the chain is broken)";
      }
      text.append(" <- ").append(link.id()).append(" (").append(link.incremental() ? "incremental" : "full").append(", stores ")
          .append(link.storedSize()).append(" bytes)");
    }
    return text.toString();
  }
}
