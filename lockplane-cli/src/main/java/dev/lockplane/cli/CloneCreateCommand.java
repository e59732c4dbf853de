package dev.lockplane.cli;

import dev.lockplane.cli.OutputOptions.Format;
import dev.lockplane.clone.Clone;
import dev.lockplane.clone.Golden;
import dev.lockplane.clone.Snapshot;
import java.io.PrintStream;
import java.nio.file.Path;
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
    "the store: 'lockplane clone connect NAME --store DIR' starts it and keeps it up.",
  "--clone-user USER with --clone-password-env VAR or --clone-password-file FILE gives the clone a login role of",
  "its own with that password, owning the clone's database (on the server for database clones, inside the clone's",
  "server for instance clones); the connection strings then name it, and destroy drops it."})
final class CloneCreateCommand extends CloneWorkCommand {
  @Mixin GoldenOptions source;

  @Option(names = "--name", paramLabel = "NAME", description = {
      "The clone's name: lower-case letters, digits, '-' or '_', starting with a letter (default: generated)."})
  String name;

  @Option(names = "--snapshot", paramLabel = "SNAPSHOT", description = "Copy this snapshot instead of the golden.")
  String snapshot;

  @Option(names = "--show-password", description = "Print an instance clone's generated password (never in logs).")
  boolean showPassword;

  @Option(names = "--clone-user", paramLabel = "USER", description = {
      "Give the clone a login role USER that owns its database (the server's --user is the one that makes it)."})
  String cloneUser;

  @Option(names = "--clone-password-env", paramLabel = "VAR", description = "The environment variable holding --clone-user's password.")
  String clonePasswordEnv;

  @Option(names = "--clone-password-file", paramLabel = "FILE", description = "Read --clone-user's password from the first line of FILE.")
  Path clonePasswordFile;

  @Option(names = "--max-age", paramLabel = "AGE", converter = DurationConverter.class,
      description = "Warn when the copied data is older than AGE (default: [clones] max-age in lockplane.toml).")
  Duration maxAge;

  @Override
  int execute() {
    Format format = output.format(spec, Format.TEXT, Format.JSON);
    home.instances(spec);
    String password = clonePassword();
    Golden golden = source.golden(cli, spec);
    if (golden != null && snapshot != null) {
      throw usage("--snapshot copies an existing snapshot; a golden source (" + golden.describe() + ") makes no sense with it");
    }
    try (GoldenOptions closing = source; CloneStoreOptions.Opened o = home.open(cli, spec, golden, reporter())) {
      Snapshot from = snapshot == null ? o.manager().golden() : snapshot(o, snapshot);
      reporter().progress("creating a clone of " + from.name());
      Clone c = name == null ? (snapshot == null ? o.manager().create() : o.manager().create(generated(), from))
          : o.manager().create(name, from);
      if (cloneUser != null) {
        reporter().progress("giving clone " + c.name() + " the login role " + cloneUser);
        CloneRoles.create(o, c, cloneUser, password);
      }
      String user = cloneUser != null ? cloneUser : c.user();
      boolean generatedPassword = o.instances() && cloneUser == null;
      boolean show = showPassword && generatedPassword;
      if (show) {
        // printed on purpose, but kept out of anything else this run prints (errors, logs)
        cli.secret(c.password());
      }
      PrintStream out = cli.out();
      if (format == Format.JSON) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("clone", CloneViews.json(c, null, show, user));
        m.put("kind", o.instances() ? "instance" : "database");
        m.put("where", o.where());
        out.print(Json.write(m));
      } else {
        out.println("Clone " + c.name() + " created from " + from.name() + " (data from "
            + CloneViews.time(from.dataStateAt()) + ", " + CloneViews.age(from.dataAge(Instant.now())) + " old).");
        out.println("  " + CloneViews.postgresUrl(c, user));
        out.println("  " + dev.lockplane.internal.sql.JdbcUrls.redact(c.jdbcUrl()) + "  (user " + user + ")");
        if (cloneUser != null) {
          out.println("  password: the one given with " + (clonePasswordEnv != null ? "--clone-password-env " + clonePasswordEnv
              : "--clone-password-file " + clonePasswordFile) + "; role " + user + " owns the clone's database");
        } else if (show) {
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

  /** The password of --clone-user, from its variable or file; never from the command line itself. */
  private String clonePassword() {
    if (cloneUser == null) {
      if (clonePasswordEnv != null || clonePasswordFile != null) {
        throw usage("--clone-password-env and --clone-password-file go with --clone-user USER");
      }
      return null;
    }
    try {
      CloneRoles.checkName(cloneUser);
    } catch (IllegalArgumentException e) {
      throw usage("Invalid value for option '--clone-user': " + e.getMessage());
    }
    if ((clonePasswordEnv == null) == (clonePasswordFile == null)) {
      throw usage("--clone-user needs its password from one of --clone-password-env VAR or --clone-password-file FILE"
          + " (never on the command line, where every user of the machine sees it)");
    }
    if (showPassword) {
      throw usage("--show-password prints an instance clone's generated password; with --clone-user the password is yours");
    }
    String pw;
    if (clonePasswordEnv != null) {
      pw = cli.env(clonePasswordEnv);
      if (pw == null) {
        throw usage("Invalid value for option '--clone-password-env': the variable " + clonePasswordEnv + " is not set");
      }
    } else {
      try {
        pw = java.nio.file.Files.readString(clonePasswordFile, java.nio.charset.StandardCharsets.UTF_8).lines().findFirst()
            .orElse("");
      } catch (java.io.IOException | java.io.UncheckedIOException e) {
        throw usage("Invalid value for option '--clone-password-file': cannot read " + clonePasswordFile
            + " (" + e.getClass().getSimpleName() + ")");
      }
    }
    cli.secret(pw);
    if (pw.isEmpty()) {
      throw usage("The password of --clone-user is empty: a login role needs one");
    }
    return pw;
  }

  private static String generated() {
    return "clone-" + java.util.UUID.randomUUID().toString().substring(0, 8);
  }
}
