package dev.lockplane.cli;

import dev.lockplane.cli.OutputOptions.Format;
import dev.lockplane.planner.Lockplane;
import dev.lockplane.planner.Planner;
import dev.lockplane.schema.DatabaseSchema;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code lockplane introspect}: print the live schema. */
@Command(name = "introspect", description = "Print the live schema: SQL that creates it (text) or Lockplane JSON.")
final class IntrospectCommand extends BaseCommand {
  @Mixin ConnectionOptions connection;
  @Mixin OutputOptions output;

  @Override
  int execute() {
    Format format = output.format(spec, Format.TEXT, Format.JSON);
    Target target = connection.target(cli, spec).requireExisting("introspect");
    reporter().progress("reading the schema of " + target.shown());
    DatabaseSchema schema = Lockplane.planner().build().introspect(target.dataSource());
    cli.out().print(format == Format.JSON ? Planner.toJson(schema) : Planner.toSql(schema));
    return Main.OK;
  }
}
