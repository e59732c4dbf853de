package dev.lockplane.cli;

import dev.lockplane.cli.OutputOptions.Format;
import dev.lockplane.plan.Plan;
import dev.lockplane.planner.Planner;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code lockplane rollback}: apply the reverse of a plan that was applied. */
@Command(name = "rollback", description = {"Apply the reverse of --plan FILE (the plan that was applied).",
    "Exit 0: rolled back or nothing to do."})
final class RollbackCommand extends BaseCommand {
  @Mixin ConnectionOptions connection;
  @Mixin TimeoutOptions timeouts;
  @Mixin OutputOptions output;

  @Option(names = "--plan", paramLabel = "FILE", required = true, description = "The plan that was applied.")
  Path plan;

  @Override
  int execute() throws Exception {
    Format format = output.format(spec, Format.TEXT, Format.JSON);
    Target target = connection.target(cli, spec);
    Planner planner = Planners.build(cli, spec, connection, null, null, timeouts);
    Plan p = Planner.planFromJson(Files.readString(plan, StandardCharsets.UTF_8), plan.toString()).reverse();
    return ApplyCommand.applyAndReport(cli, reporter(), planner, p, target, format, "rollback");
  }
}
