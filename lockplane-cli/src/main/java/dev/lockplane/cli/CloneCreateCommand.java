package dev.lockplane.cli;

import dev.lockplane.cli.OutputOptions.Format;
import dev.lockplane.clone.Clone;
import dev.lockplane.clone.Golden;
import dev.lockplane.clone.Snapshot;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code lockplane clone create}: a new clone, and how to connect to it. */
@Command(name = "create", description = {
    "Create a clone of the golden (or of --snapshot) and print its connection strings.",
    "Gives a golden source (--scripts, ...) to prepare the golden first when it is missing or changed.",
    "Database clones use the server's role and password; instance clones get a role and password of their",
    "own, printed only with --show-password. An instance clone's server runs while a lockplane command holds",
    "the store: 'lockplane clone connect NAME --store DIR' starts it and keeps it up."})
final class CloneCreateCommand extends CloneWorkCommand {
  @Mixin GoldenOptions source;

  @Option(names = "--name", paramLabel = "NAME", description = {
      "The clone's name: lower-case letters, digits, '-' or '_', starting with a letter (default: generated)."})
  String name;

  @Option(names = "--snapshot", paramLabel = "SNAPSHOT", description = "Copy this snapshot instead of the golden.")
  String snapshot;

  @Option(names = "--show-password", description = "Print an instance clone's generated password (never in logs).")
  boolean showPassword;

  @Option(names = "--max-age", paramLabel = "AGE", converter = DurationConverter.class,
      description = "Warn when the copied data is older than AGE (default: [clones] max-age in lockplane.toml).")
  Duration maxAge;

  @Override
  int execute() {
    Format format = output.format(spec, Format.TEXT, Format.JSON);
    home.instances(spec);
    Golden golden = source.golden(cli, spec);
    if (golden != null && snapshot != null) {
      throw usage("--snapshot copies an existing snapshot; a golden source (" + golden.describe() + ") makes no sense with it");
    }
    try (GoldenOptions closing = source; CloneStoreOptions.Opened o = home.open(cli, spec, golden, reporter())) {
      Snapshot from = snapshot == null ? o.manager().golden() : snapshot(o, snapshot);
      reporter().progress("creating a clone of " + from.name());
      Clone c = name == null ? (snapshot == null ? o.manager().create() : o.manager().create(generated(), from))
          : o.manager().create(name, from);
      boolean generatedPassword = o.instances();
      boolean show = showPassword && generatedPassword;
      if (show) {
        // printed on purpose, but kept out of anything else this run prints (errors, logs)
        cli.secret(c.password());
      }
      PrintStream out = cli.out();
      if (format == Format.JSON) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("clone", CloneViews.json(c, null, show));
        m.put("kind", o.instances() ? "instance" : "database");
        m.put("where", o.where());
        out.print(Json.write(m));
      } else {
        out.println("Clone " + c.name() + " created from " + from.name() + " (data from "
            + CloneViews.time(from.dataStateAt()) + ", " + CloneViews.age(from.dataAge(Instant.now())) + " old).");
        out.println("  " + CloneViews.postgresUrl(c));
        out.println("  " + dev.lockplane.internal.sql.JdbcUrls.redact(c.jdbcUrl()) + "  (user " + c.user() + ")");
        if (show) {
          out.println("  password: " + c.password());
        } else if (generatedPassword) {
          out.println("  password: generated; run 'lockplane clone connect " + c.name() + " " + home.flags(spec)
              + " --show-password' to see it");
        } else {
          out.println("  password: the one of role " + c.user() + " on the server (the one this command used)");
        }
        if (o.instances()) {
          out.println("  server: runs while a lockplane command holds the store; 'lockplane clone connect " + c.name()
              + " " + home.flags(spec) + "' starts it and keeps it up");
        }
      }
      warnIfOld(from, maxAge);
    }
    return Main.OK;
  }

  private static String generated() {
    return "clone-" + java.util.UUID.randomUUID().toString().substring(0, 8);
  }
}
