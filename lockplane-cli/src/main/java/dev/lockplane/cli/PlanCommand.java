package dev.lockplane.cli;

import dev.lockplane.cli.OutputOptions.Format;
import dev.lockplane.plan.Plan;
import dev.lockplane.planner.PlanReport;
import dev.lockplane.planner.Planner;
import dev.lockplane.safety.ReportFormat;
import dev.lockplane.safety.SafetyLevel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code lockplane plan}: what it takes to bring the live database to the desired schema. */
@Command(name = "plan", description = {"Plan the live database to --schema and print the plan.",
    "Exit 0: nothing to change; 2: the plan has changes."})
final class PlanCommand extends BaseCommand {
  @Mixin ConnectionOptions connection;
  @Mixin SchemaOptions schema;
  @Mixin OutputOptions output;

  @Option(names = "--safety", paramLabel = "LEVEL", converter = LowercaseEnum.Safety.class,
      description = "How risky steps are treated: strict, moderate (default) or permissive.")
  SafetyLevel safety;

  @Option(names = "--out", paramLabel = "FILE", description = "Also write the plan as JSON to FILE (for apply --plan).")
  Path out;

  @Override
  int execute() throws Exception {
    Format format = output.format(spec, Format.TEXT, Format.JSON, Format.MARKDOWN);
    Planners.requireSchema(spec, connection, schema);
    Target target = connection.target(cli, spec).requireExisting("plan");
    Planner planner = Planners.build(cli, spec, connection, schema, safety, null);
    reporter().progress("planning " + target.shown() + " to " + schema.schema);
    Plan plan = planner.plan(target.dataSource(), schema.desired());
    if (out != null) {
      Files.writeString(out, Planner.toJson(plan), StandardCharsets.UTF_8);
      reporter().info("wrote the plan to " + out);
    }
    cli.out().print(PlanReport.render(plan, ReportFormat.valueOf(format.name())));
    return plan.isEmpty() ? Main.OK : Main.CHANGES;
  }
}
