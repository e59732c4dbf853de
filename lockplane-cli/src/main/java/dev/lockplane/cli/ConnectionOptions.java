package dev.lockplane.cli;

import dev.lockplane.internal.sql.JdbcUrls;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * {@code --url --user --password --password-file}: the database a command works on. The password
 * never has to be on the command line: see {@link Credentials} for where else it comes from. With
 * {@code --env NAME} (inherited) the environment's settings fill in what the command line leaves out.
 */
final class ConnectionOptions extends EnvironmentOptions {
  @Option(names = "--url", paramLabel = "URL", description = {
      "The database: jdbc:postgresql://host:port/db, postgres://user@host:port/db or jdbc:sqlite:FILE."})
  String url;

  @Option(names = "--user", paramLabel = "USER", description = "The user (default: the URL's, then PGUSER).")
  String user;

  @Option(names = "--password", paramLabel = "PASSWORD", description = {
      "The password. Visible to other users of the machine: prefer --password-file, LOCKPLANE_PASSWORD,",
      "PGPASSWORD or ~/.pgpass (PGPASSFILE)."})
  String password;

  @Option(names = "--password-file", paramLabel = "FILE", description = "Read the password from the first line of FILE.")
  Path passwordFile;

  /** Resolves the URL and credentials; a missing or malformed URL is a usage error. */
  Target target(Cli cli, CommandSpec spec) {
    ConfigFile.Environment e = environment(spec);
    String u = url != null ? url : e == null ? null : e.url();
    if (u == null || u.isBlank()) {
      throw new ParameterException(spec.commandLine(), e == null ? "Missing required option: '--url=URL'"
          : "Missing required option: '--url=URL' (environment '" + e.name() + "' sets no url)");
    }
    return resolve(cli, spec, u, "--url");
  }

  /** Resolves another URL (such as --scratch-url) with this command's credentials. */
  Target resolve(Cli cli, CommandSpec spec, String raw, String option) {
    return resolve(cli, spec, raw, option, environment(spec));
  }

  /** Resolves a URL with this command's credentials, then the environment's. */
  Target resolve(Cli cli, CommandSpec spec, String raw, String option, ConfigFile.Environment e) {
    String lower = raw.toLowerCase(Locale.ROOT);
    String jdbc;
    try {
      jdbc = JdbcUrls.toJdbc(raw);
    } catch (RuntimeException ex) {
      throw badUrl(cli, spec, raw, option);
    }
    boolean postgres = jdbc.startsWith("jdbc:postgresql://");
    boolean sqlite = lower.startsWith("jdbc:sqlite:") && raw.length() > "jdbc:sqlite:".length();
    if (!postgres && !sqlite) {
      throw badUrl(cli, spec, raw, option);
    }
    String u = user != null ? user : e == null ? null : e.user();
    String filePassword = null;
    if (passwordFile != null) {
      filePassword = readPasswordFile(cli, spec);
    } else if (password == null && e != null) {
      filePassword = environmentPassword(cli, e);
    }
    if (sqlite) {
      return new Target(jdbc, null, null);
    }
    if (u == null) {
      u = JdbcUrls.userOf(raw);
    }
    if (u == null) {
      u = cli.env("PGUSER");
    }
    String pw = Credentials.password(cli, password, filePassword, raw, jdbc, u);
    return new Target(jdbc, u, pw);
  }

  /** The password an environment names (its variable, else its file), or null for the usual sources. */
  private static String environmentPassword(Cli cli, ConfigFile.Environment e) {
    String pw = null;
    if (e.passwordEnv() != null) {
      pw = cli.env(e.passwordEnv());
      if (pw == null) {
        throw new dev.lockplane.LockplaneException(dev.lockplane.ErrorCode.INVALID_CONFIGURATION, "Environment '"
            + e.name() + "' takes its password from the variable " + e.passwordEnv() + ", which is not set.");
      }
    } else if (e.passwordFile() != null) {
      try {
        pw = Files.readString(e.passwordFile(), StandardCharsets.UTF_8).lines().findFirst().orElse("");
      } catch (IOException | java.io.UncheckedIOException ex) {
        throw new dev.lockplane.LockplaneException(dev.lockplane.ErrorCode.INVALID_CONFIGURATION, "Environment '"
            + e.name() + "' takes its password from " + e.passwordFile() + ", which cannot be read ("
            + ex.getClass().getSimpleName() + ").");
      }
    }
    cli.secret(pw);
    return pw;
  }

  private String readPasswordFile(Cli cli, CommandSpec spec) {
    try {
      String text = Files.readString(passwordFile, StandardCharsets.UTF_8);
      String first = text.lines().findFirst().orElse("");
      cli.secret(first);
      return first;
    } catch (IOException | java.io.UncheckedIOException e) {
      throw new ParameterException(spec.commandLine(), "Invalid value for option '--password-file': cannot read "
          + passwordFile + " (" + e.getClass().getSimpleName() + ")");
    }
  }

  private static ParameterException badUrl(Cli cli, CommandSpec spec, String raw, String option) {
    String shown = cli.mask(raw);
    if (shown.length() > 60) {
      shown = shown.substring(0, 60) + "…";
    }
    return new ParameterException(spec.commandLine(), "Invalid value for option '" + option + "': '" + shown
        + "' is not a database URL this command knows; give jdbc:postgresql://host:port/db, "
        + "postgres://user@host:port/db or jdbc:sqlite:FILE");
  }
}
