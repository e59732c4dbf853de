package dev.lockplane.cli;

import dev.lockplane.cli.OutputOptions.Format;
import dev.lockplane.plan.DriftReport;
import dev.lockplane.planner.Planner;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code lockplane drift}: how the live database differs from the desired schema. */
@Command(name = "drift", description = {"Compare the live database with --schema.", "Exit 0: no drift; 2: drift found."})
final class DriftCommand extends BaseCommand {
  @Mixin ConnectionOptions connection;
  @Mixin SchemaOptions schema;
  @Mixin OutputOptions output;

  @Override
  int execute() {
    Format format = output.format(spec, Format.TEXT, Format.JSON);
    Planners.requireSchema(spec, connection, schema);
    Target target = connection.target(cli, spec).requireExisting("drift");
    Planner planner = Planners.build(cli, spec, connection, schema, null, null);
    reporter().progress("comparing " + target.shown() + " with " + schema.schema);
    DriftReport r = planner.drift(target.dataSource(), schema.desired());
    cli.out().print(format == Format.JSON ? Planner.toJson(r) : r.toText());
    return r.isEmpty() ? Main.OK : Main.CHANGES;
  }
}
