package dev.lockplane.cli;

import dev.lockplane.erd.Erd;
import dev.lockplane.planner.Lockplane;
import dev.lockplane.planner.Planner;
import dev.lockplane.postgres.LocalPostgres;
import dev.lockplane.schema.DatabaseSchema;
import dev.lockplane.schema.Dialect;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code lockplane erd}: an entity-relationship diagram of the desired or the live schema. */
@Command(name = "erd", description = {
    "Draw the tables and foreign keys of the desired schema (--schema, or --desired with --env) or of the live "
        + "database (--url or --env) as Mermaid erDiagram text or as SVG."})
final class ErdCommand extends BaseCommand {
  /** What the diagram is written as. */
  enum DiagramFormat { MERMAID, SVG }

  /** {@code --format}. */
  static final class FormatConverter extends LowercaseEnum<DiagramFormat> {
    FormatConverter() {
      super(DiagramFormat.class);
    }
  }

  @Mixin ConnectionOptions connection;
  @Mixin SchemaOptions schema;

  @Option(names = "--desired", description = "With --env: draw the environment's desired schema, not its database.")
  boolean desired;

  @Option(names = "--format", paramLabel = "FORMAT", converter = FormatConverter.class,
      description = "mermaid (default; renders in GitHub and GitLab Markdown) or svg.")
  DiagramFormat format = DiagramFormat.MERMAID;

  @Option(names = "--out", paramLabel = "FILE", description = "Write the diagram to FILE instead of standard output.")
  Path out;

  @Option(names = "--tables", paramLabel = "TABLE", split = ",",
      description = "Draw only these tables (table or schema.table, comma-separated).")
  List<String> tables;

  @Option(names = "--around", paramLabel = "TABLE", description = "Draw this table and its neighbours by foreign keys.")
  String around;

  @Option(names = "--depth", paramLabel = "N", description = "With --around: how many foreign keys away (default 1).")
  Integer depth;

  @Override
  int execute() throws Exception {
    if (depth != null && around == null) {
      throw usage("--depth needs --around TABLE");
    }
    if (depth != null && depth < 0) {
      throw usage("Invalid value for option '--depth': " + depth + " is negative");
    }
    DatabaseSchema drawn = schema();
    Erd.Builder b = Erd.of(drawn);
    if (tables != null) {
      b.tables(tables);
    }
    if (around != null) {
      b.around(around, depth == null ? 1 : depth);
    }
    Erd erd = b.build();
    String text = format == DiagramFormat.SVG ? erd.svg() : erd.mermaid();
    if (out != null) {
      Files.writeString(out, text, StandardCharsets.UTF_8);
      reporter().info("wrote a diagram of " + erd.tables().size() + " tables to " + out);
    } else {
      cli.out().print(text);
    }
    return Main.OK;
  }

  private DatabaseSchema schema() {
    if (desired && connection.env == null) {
      throw usage("--desired needs --env NAME (or give the desired schema with --schema)");
    }
    if (schema.schema != null || desired) {
      Planners.requireSchema(spec, connection, schema);
      Planner planner = Planners.build(cli, spec, connection, schema, null, null);
      reporter().progress("reading the desired schema " + schema.schema);
      return planner.load(schema.desired(), Dialect.POSTGRESQL, LocalPostgres.DEFAULT_VERSION);
    }
    Target target = connection.target(cli, spec).requireExisting("erd");
    reporter().progress("reading the schema of " + target.shown());
    return Lockplane.planner().build().introspect(target.dataSource());
  }
}
