package dev.lockplane.cli;

import dev.lockplane.backup.ExtractFormat;
import dev.lockplane.backup.ExtractRequest;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code lockplane backup extract}: rows of one table of a backup, as INSERTs or CSV on stdout. */
@Command(name = "extract", description = "Print rows of one table of a backup as INSERT statements or CSV.")
final class BackupExtractCommand extends BaseCommand {
  @Mixin RepositoryOptions repository;
  @Mixin EnvironmentOptions environment;

  @Parameters(index = "0", paramLabel = "ID", description = "The backup id.")
  String id;

  @Option(names = "--table", paramLabel = "SCHEMA.TABLE", required = true, description = "The table.")
  String table;

  @Option(names = "--database", paramLabel = "DB", description = "The database in the backup (when it holds several).")
  String database;

  @Option(names = "--where", paramLabel = "SQL", description = "A condition on the rows.")
  String where;

  @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "inserts", converter = FormatConverter.class,
      description = "inserts (default) or csv.")
  ExtractFormat format;

  @Override
  int execute() throws Exception {
    ExtractRequest r = repository.open(cli, spec, false).extract(id, table).format(format);
    if (database != null) {
      r.database(database);
    }
    if (where != null) {
      r.where(where);
    }
    Writer w = new OutputStreamWriter(cli.out(), StandardCharsets.UTF_8);
    long rows = r.to(w);
    w.flush();
    reporter().detail(rows + " rows");
    return Main.OK;
  }

  /** {@code --format}. */
  static final class FormatConverter extends LowercaseEnum<ExtractFormat> {
    FormatConverter() {
      super(ExtractFormat.class);
    }
  }
}
