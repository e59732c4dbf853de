package dev.lockplane.cli;

import dev.lockplane.cli.OutputOptions.Format;
import dev.lockplane.plan.DriftReport;
import dev.lockplane.planner.Desired;
import dev.lockplane.planner.Planner;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code lockplane drift}: how the live database differs from the desired schema, or every environment's. */
@Command(name = "drift", description = {"Compare the live database with --schema (or every environment with --all).",
    "With --all, each environment of lockplane.toml is compared with its schema, and their histories with each other.",
    "Exit 0: no drift; 2: drift found; 1: an environment could not be checked (the others are still reported)."})
final class DriftCommand extends BaseCommand {
  @Mixin ConnectionOptions connection;
  @Mixin SchemaOptions schema;
  @Mixin OutputOptions output;

  @Option(names = "--all", description = "Check every environment of the configuration (--config or lockplane.toml).")
  boolean all;

  @Option(names = "--parallel", paramLabel = "N", description = "With --all: environments checked at once (default 4).")
  Integer parallel;

  @Override
  int execute() {
    if (all) {
      return all();
    }
    if (parallel != null) {
      throw usage("--parallel goes with --all");
    }
    Format format = output.format(spec, Format.TEXT, Format.JSON);
    Planners.requireSchema(spec, connection, schema);
    Target target = connection.target(cli, spec).requireExisting("drift");
    Planner planner = Planners.build(cli, spec, connection, schema, null, null);
    reporter().progress("comparing " + target.shown() + " with " + schema.schema);
    DriftReport r = planner.drift(target.dataSource(), schema.desired());
    cli.out().print(format == Format.JSON ? Planner.toJson(r) : r.toText());
    return r.isEmpty() ? Main.OK : Main.CHANGES;
  }

  private int all() {
    Format format = output.format(spec, Format.TEXT, Format.JSON, Format.MARKDOWN);
    if (connection.env != null || connection.url != null || schema.schema != null || schema.scratchUrl != null) {
      throw usage("--all checks every environment with its own settings; --env, --url, --schema and --scratch-url "
          + "do not go with it");
    }
    if (parallel != null && parallel < 1) {
      throw usage("Invalid value for option '--parallel': " + parallel + " (give 1 or more)");
    }
    ConfigFile config = connection.configFile(spec);
    if (config.environments().isEmpty()) {
      throw usage(config.file() + " defines no environment");
    }
    List<String> names = new ArrayList<>(config.environments().keySet());
    reporter().progress("checking " + names.size() + " environments of " + config.file());
    List<DriftAll.Outcome> outcomes = DriftAll.run(names, name -> {
      ConfigFile.Environment e = config.environment(name);
      if (e.url() == null || e.schema() == null) {
        throw new dev.lockplane.LockplaneException(dev.lockplane.ErrorCode.INVALID_CONFIGURATION, "environment '"
            + name + "' needs url and schema in " + config.file());
      }
      Target target = connection.resolve(cli, spec, e.url(), "url of " + name, e).requireExisting("drift");
      Target scratch = e.scratchUrl() == null ? null : connection.resolve(cli, spec, e.scratchUrl(), "scratch-url", e);
      Desired desired = e.schema().toString().endsWith(".json") ? Desired.json(e.schema()) : Desired.sqlFiles(e.schema());
      return DriftAll.check(name, target, desired, DriftAll.planner(scratch));
    }, parallel == null ? 4 : parallel, cli);
    cli.out().print(DriftAll.render(outcomes, format));
    if (outcomes.stream().anyMatch(o -> o.error() != null)) {
      outcomes.stream().filter(o -> o.error() != null)
          .forEach(o -> cli.error("lockplane drift: environment " + o.name() + ": " + o.error()));
      return Main.ERROR;
    }
    return DriftAll.rows(outcomes).stream().anyMatch(r -> !r.kind().equals("ok")) ? Main.CHANGES : Main.OK;
  }
}
