package dev.lockplane.cli;

import dev.lockplane.backup.BackupRepository;
import dev.lockplane.backup.VerifyDepth;
import dev.lockplane.backup.VerifyReport;
import dev.lockplane.cli.OutputOptions.Format;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code lockplane backup verify}: check a backup's stored objects, data, or a restore drill. */
@Command(name = "verify", description = {"Verify a backup: structure, data (default) or drill (restore and check).",
    "Without keys only the stored bytes are checked. Exit 2: problems found."})
final class BackupVerifyCommand extends BaseCommand {
  @Mixin RepositoryOptions repository;
  @Mixin EnvironmentOptions environment;
  @Mixin OutputOptions output;

  @Parameters(index = "0", paramLabel = "ID", description = "The backup id.")
  String id;

  @Option(names = "--depth", paramLabel = "DEPTH", defaultValue = "data", converter = DepthConverter.class,
      description = "structure, data (default) or drill.")
  VerifyDepth depth;

  @Option(names = "--sample", paramLabel = "PCT", defaultValue = "100", description = "Percent of objects to read (default 100).")
  int sample;

  @Override
  int execute() {
    Format format = output.format(spec, Format.TEXT, Format.JSON);
    if (sample < 1 || sample > 100) {
      throw usage("Invalid value for option '--sample': " + sample + " is not a percentage from 1 to 100");
    }
    BackupRepository repo = repository.open(cli, spec, true);
    VerifyReport r = repo.verify(id, depth, sample, null, new BackupProgress(reporter()));
    String depthName = depth.name().toLowerCase(Locale.ROOT);
    if (format == Format.JSON) {
      Map<String, Object> m = new TreeMap<>();
      m.put("backupId", r.backupId());
      m.put("ok", r.ok());
      m.put("depth", depthName);
      m.put("objectsChecked", r.objectsChecked());
      m.put("bytesChecked", r.bytesChecked());
      m.put("plaintextChecked", r.plaintextChecked());
      m.put("elapsedMs", r.elapsed().toMillis());
      m.put("problems", r.problems().stream().map(p -> Map.of("object", p.object(), "message", p.message())).toList());
      cli.out().print(Json.write(m));
    } else {
      for (VerifyReport.Problem p : r.problems()) {
        cli.out().println("PROBLEM " + p.object() + ": " + p.message());
      }
      cli.out().println((r.ok() ? "OK " : "FAILED ") + r.backupId() + " depth " + depthName + ", "
          + r.objectsChecked() + " objects, " + r.bytesChecked() + " bytes read"
          + (r.plaintextChecked() ? "" : " (no keyset: stored bytes only)") + ", " + r.elapsed().toMillis() + " ms");
    }
    return r.ok() ? Main.OK : Main.CHANGES;
  }

  /** {@code --depth}. */
  static final class DepthConverter extends LowercaseEnum<VerifyDepth> {
    DepthConverter() {
      super(VerifyDepth.class);
    }
  }
}
