package dev.lockplane.cli;

import dev.lockplane.cli.OutputOptions.Format;
import dev.lockplane.planner.Changelog;
import dev.lockplane.planner.Lockplane;
import dev.lockplane.safety.ReportFormat;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code lockplane changelog}: what each successful apply changed, from the database's history. */
@Command(name = "changelog", description = {
    "Print what each successful apply recorded in the database changed, per table "
        + "(\"orders: added email_verified_at, dropped is_verified\"). Exit 0."})
final class ChangelogCommand extends BaseCommand {
  @Mixin ConnectionOptions connection;
  @Mixin OutputOptions output;

  @Override
  int execute() {
    Format format = output.format(spec, Format.TEXT, Format.JSON, Format.MARKDOWN);
    Target target = connection.target(cli, spec).requireExisting("changelog");
    reporter().progress("reading the history of " + target.shown());
    Changelog log = Changelog.of(Lockplane.planner().build(), target.dataSource());
    cli.out().print(log.render(ReportFormat.valueOf(format.name())));
    return Main.OK;
  }
}
