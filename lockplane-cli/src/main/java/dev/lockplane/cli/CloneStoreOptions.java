package dev.lockplane.cli;

import dev.lockplane.ErrorCode;
import dev.lockplane.LockplaneException;
import dev.lockplane.clone.CloneManager;
import dev.lockplane.clone.Golden;
import dev.lockplane.clones.CloneManagers;
import dev.lockplane.clones.DatabaseClonesBuilder;
import dev.lockplane.instances.InstanceClones;
import dev.lockplane.internal.sql.JdbcUrls;
import dev.lockplane.storage.CowStorage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * Where the clones of {@code lockplane golden} and {@code lockplane clone} live, between commands:
 * databases on a server ({@code --url}, their names starting with {@code --prefix}), or instances
 * on a store ({@code --store DIR} and {@code --storage}).
 */
final class CloneStoreOptions {
  /** The database prefix of the command line's clones, apart from the library's own {@code lp_}. */
  static final String DEFAULT_PREFIX = "lpc_";

  @Option(names = "--url", paramLabel = "URL", description = {
      "Database clones: the PostgreSQL server that holds them, jdbc:postgresql://host:port/db or postgres://user@host:port/db."})
  String url;

  @Option(names = "--user", paramLabel = "USER", description = "The server's role, with CREATEDB (default: the URL's, then PGUSER).")
  String user;

  @Option(names = "--password-env", paramLabel = "VAR", description = {
      "The environment variable holding the role's password (else the URL, LOCKPLANE_PASSWORD, PGPASSWORD, ~/.pgpass)."})
  String passwordEnv;

  @Option(names = "--password-file", paramLabel = "FILE", description = "Read the role's password from the first line of FILE.")
  Path passwordFile;

  /** Accepted only to refuse it with a useful message: a literal password shows in {@code ps}. */
  @Option(names = "--password", paramLabel = "PASSWORD", hidden = true)
  String password;

  @Option(names = "--prefix", paramLabel = "PREFIX", description = {
      "Database clones: the prefix of their database names (default " + DEFAULT_PREFIX + ", or [clones] prefix in lockplane.toml)."})
  String prefix;

  @Option(names = "--store", paramLabel = "DIR", description = "Instance clones: the store directory (registry, volumes).")
  Path store;

  @Option(names = "--storage", paramLabel = "KIND", description = {
      "Instance clones: zfs:POOL/DATASET, reflink or copy (default: what --store's filesystem allows)."})
  String storage;

  @Option(names = "--config", paramLabel = "FILE", description = "The configuration (default: lockplane.toml found upwards, if any).")
  Path config;

  private ConfigFile.Clones settings;
  /** Instance clones: where the records of clones' login roles are kept (the storage's state directory). */
  private Path roles;
  /** Database clones: connections to the server as its role. */
  private CloneRoles.Admin admin;

  /** The {@code [clones]} settings of the configuration, or none without one. */
  ConfigFile.Clones settings(CommandSpec spec) {
    if (settings == null) {
      Path file = config;
      if (file != null && !Files.isRegularFile(file)) {
        throw new ParameterException(spec.commandLine(), "Invalid value for option '--config': no file " + file);
      }
      if (file == null) {
        file = ConfigFile.find(Path.of(System.getProperty("user.dir")));
      }
      settings = file == null ? ConfigFile.Clones.NONE : ConfigFile.read(file).clones();
    }
    return settings;
  }

  /** Whether the clones are instances on a store (else databases on a server). */
  boolean instances(CommandSpec spec) {
    if (password != null) {
      throw new ParameterException(spec.commandLine(), "--password is not accepted here: a password on the command line "
          + "is visible to every user of the machine. Put it in a variable and give --password-env VAR (or --password-file).");
    }
    boolean server = url != null;
    boolean instances = store != null || storage != null;
    if (server == instances) {
      throw new ParameterException(spec.commandLine(), server
          ? "Give either --url (database clones) or --store/--storage (instance clones), not both"
          : "Missing the clones' home: give --url URL (database clones on a server) or --store DIR (instance clones)");
    }
    if (instances && (user != null || passwordEnv != null || passwordFile != null || prefix != null)) {
      throw new ParameterException(spec.commandLine(),
          "--user, --password-env, --password-file and --prefix go with --url; instance clones make their own roles");
    }
    return instances;
  }

  /** Where the clones are, for messages: the server without secrets, or the store. */
  String where(CommandSpec spec) {
    return instances(spec) ? (store != null ? store.toString() : storage) : JdbcUrls.redact(url);
  }

  /** The options that name this home again, for the commands a message suggests. */
  String flags(CommandSpec spec) {
    if (!instances(spec)) {
      String p = prefix != null ? " --prefix " + prefix : "";
      return "--url " + JdbcUrls.redact(url) + (user != null ? " --user " + user : "") + p;
    }
    return StorageSpec.flags(store, storage);
  }

  /**
   * Opens the clones: prepares (or reuses) {@code golden}, or with null uses the golden already
   * there — a NOT_FOUND then says to prepare one.
   */
  Opened open(Cli cli, CommandSpec spec, Golden golden, Reporter reporter) {
    boolean instances = instances(spec);
    CloneManager manager;
    try {
      manager = instances ? openInstances(spec, golden, reporter) : openDatabases(cli, spec, golden);
    } catch (LockplaneException e) {
      if (golden == null && e.code() == ErrorCode.NOT_FOUND) {
        throw new LockplaneException(ErrorCode.NOT_FOUND, "No golden in " + where(spec) + (instances ? "" : " with the prefix "
            + prefix(spec)) + ". Prepare one first: lockplane golden prepare " + flags(spec) + " --scripts PATH…", e);
      }
      throw e;
    }
    return new Opened(manager, instances, where(spec), roles, admin);
  }

  String prefix(CommandSpec spec) {
    return prefix != null ? prefix : settings(spec).prefix() != null ? settings(spec).prefix() : DEFAULT_PREFIX;
  }

  private CloneManager openDatabases(Cli cli, CommandSpec spec, Golden golden) {
    String jdbc;
    try {
      jdbc = JdbcUrls.toJdbc(url);
    } catch (RuntimeException e) {
      jdbc = null;
    }
    if (jdbc == null || !jdbc.startsWith("jdbc:postgresql://")) {
      throw new ParameterException(spec.commandLine(), "Invalid value for option '--url': clones live on a PostgreSQL server;"
          + " give jdbc:postgresql://host:port/db or postgres://user@host:port/db");
    }
    String u = user != null ? user : JdbcUrls.userOf(url) != null ? JdbcUrls.userOf(url) : cli.env("PGUSER");
    if (u == null) {
      u = System.getProperty("user.name");
    }
    String given = null;
    if (passwordEnv != null) {
      given = cli.env(passwordEnv);
      if (given == null) {
        throw new ParameterException(spec.commandLine(),
            "Invalid value for option '--password-env': the variable " + passwordEnv + " is not set");
      }
    }
    String file = null;
    if (passwordFile != null) {
      try {
        file = Files.readString(passwordFile, StandardCharsets.UTF_8).lines().findFirst().orElse("");
      } catch (IOException | java.io.UncheckedIOException e) {
        throw new ParameterException(spec.commandLine(), "Invalid value for option '--password-file': cannot read "
            + passwordFile + " (" + e.getClass().getSimpleName() + ")");
      }
    }
    cli.secret(given);
    cli.secret(file);
    String pw = Credentials.password(cli, given, file, url, jdbc, u);
    String p = prefix(spec);
    admin = CloneRoles.Admin.of(jdbc, u, pw == null ? "" : pw);
    DatabaseClonesBuilder b;
    try {
      b = CloneManagers.databases(jdbc, u, pw == null ? "" : pw).databasePrefix(p).persistent(true);
    } catch (LockplaneException e) {
      throw new ParameterException(spec.commandLine(), "Invalid value for option '--prefix': " + e.getMessage());
    }
    return (golden == null ? b : b.golden(golden)).start();
  }

  private CloneManager openInstances(CommandSpec spec, Golden golden, Reporter reporter) {
    CowStorage cow = storage(spec);
    roles = cow.stateDirectory().resolve("clone-roles");
    InstanceClones.Builder b = InstanceClones.on(cow).keepClonesOnClose(true)
        .listener((clone, phase) -> reporter.progress(clone + ": " + phase));
    return (golden == null ? b.goldenFromStore() : b.golden(golden)).start();
  }

  private CowStorage storage(CommandSpec spec) {
    return StorageSpec.open(spec, store, storage);
  }

  /**
   * The opened clones.
   *
   * @param manager the manager; closing it keeps the clones
   * @param instances whether they are instance clones
   * @param where the server or store, without secrets
   * @param roles instance clones: the directory of their login roles' records, else null
   * @param admin database clones: connections to the server as its role, else null
   */
  record Opened(CloneManager manager, boolean instances, String where, java.nio.file.Path roles, CloneRoles.Admin admin)
      implements AutoCloseable {
    @Override
    public void close() {
      manager.close();
    }
  }
}
