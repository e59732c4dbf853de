package dev.lockplane.cli;

import dev.lockplane.cli.OutputOptions.Format;
import dev.lockplane.clone.Golden;
import dev.lockplane.clone.Snapshot;
import dev.lockplane.clones.SubsetFiles;
import dev.lockplane.golden.MaskingReport;
import dev.lockplane.golden.SubsetReport;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code lockplane golden prepare}: builds the golden of a server prefix or a store, or finds it built. */
@Command(name = "prepare", description = {
    "Prepare the golden that clones copy (reused while its source is unchanged).",
    "Sources: --scripts, --from-database, --from-server, --flyway or --liquibase (one of them).",
    "Database clones: --url of the server (the golden is a template database named PREFIXgolden_HASH).",
    "Instance clones: --store DIR (the golden is a snapshot of a data directory on the store).",
    "--mask RULES masks personal data before any snapshot exists, and shows the masking report.",
    "Kinds of source this version cannot prepare yet fail with UNSUPPORTED."})
final class GoldenPrepareCommand extends CloneWorkCommand {
  @Mixin GoldenOptions source;

  @Option(names = "--max-age", paramLabel = "AGE", converter = DurationConverter.class,
      description = "Warn when the golden's data is older than AGE (default: [clones] max-age in lockplane.toml).")
  Duration maxAge;

  @Option(names = "--subset", paramLabel = "FILE", description = {
      "Keep only the rows FILE names (JSON, see docs/subset.schema.json), closed under foreign keys.",
      "Prints rows kept per table and why when the golden is built."})
  Path subset;

  @Override
  int execute() {
    Format format = output.format(spec, Format.TEXT, Format.JSON);
    home.instances(spec);
    Golden golden = source.golden(cli, spec);
    if (golden == null) {
      throw usage("Missing the golden's source: give one of --scripts, --from-database, --from-server, --flyway, --liquibase, --from-backup");
    }
    if (subset != null) {
      golden = golden.subset(SubsetFiles.read(subset));
    }
    reporter().progress("preparing the golden from " + golden.describe());
    try (GoldenOptions closing = source; CloneStoreOptions.Opened o = home.open(cli, spec, golden, reporter())) {
      Snapshot g = o.manager().golden();
      Optional<MaskingReport> masking = o.manager().maskingReport();
      Optional<SubsetReport> subsetReport = o.manager().subsetReport();
      PrintStream out = cli.out();
      if (format == Format.JSON) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("golden", CloneViews.json(g, true));
        m.put("kind", o.instances() ? "instance" : "database");
        m.put("where", o.where());
        m.put("strategy", o.manager().strategy().reason());
        masking.ifPresent(r -> {
          Map<String, Object> mr = new LinkedHashMap<>();
          mr.put("rules", r.rules());
          mr.put("rows", r.rows());
          mr.put("millis", r.duration().toMillis());
          mr.put("unmasked", r.unmasked());
          m.put("masking", mr);
        });
        subsetReport.ifPresent(r -> {
          Map<String, Object> sr = new LinkedHashMap<>();
          sr.put("tables", r.tables());
          sr.put("dropped", r.dropped());
          sr.put("lines", r.lines());
          m.put("subset", sr);
        });
        out.print(Json.write(m));
      } else {
        out.println("Golden " + g.name() + " in " + o.where() + ": " + g.description() + ".");
        out.println("  data from " + CloneViews.time(g.dataStateAt()) + " (" + CloneViews.age(g.dataAge(Instant.now()))
            + " old); clones: " + o.manager().strategy().reason());
        masking.ifPresent(r -> out.print("  " + r.render().strip().replace("\n", "\n  ") + "\n"));
        subsetReport.ifPresent(r -> {
          out.println("  subset kept:");
          r.lines().forEach(l -> out.println("    " + l));
        });
      }
      warnIfOld(g, maxAge);
    }
    return Main.OK;
  }
}
