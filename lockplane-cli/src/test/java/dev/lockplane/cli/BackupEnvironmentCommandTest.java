package dev.lockplane.cli;

import static org.assertj.core.api.Assertions.assertThat;


import dev.lockplane.backup.Keyset;
import dev.lockplane.postgres.LocalPostgres;
import dev.lockplane.testing.SharedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The backup commands' repository and keys taken from an environment of lockplane.toml ({@code backup = …}). */
class BackupEnvironmentCommandTest {
  private static final String PASSPHRASE = "correct-horse-9";

  @TempDir Path dir;

  private static MainTest.Result run(Map<String, String> env, String... args) {
    MainTest.Result r = MainTest.run(env, args);
    // whatever happened, neither the passphrase nor the keyset's JSON is printed
    assertThat(r.all()).doesNotContain(PASSPHRASE);
    env.values().stream().filter(v -> v.startsWith("{")).forEach(json -> assertThat(r.all()).doesNotContain(json));
    return r;
  }

  @Test
  void createListVerifyRestoreThroughTheEnvironment() throws Exception {
    Path db = dir.resolve("app.db");
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)");
      s.execute("INSERT INTO t VALUES (1, 'one'), (2, 'two'), (3, 'three')");
    }
    Path config = Files.writeString(dir.resolve("lockplane.toml"), """
        [environments.prod]
        url = "jdbc:sqlite:%s"
        backup = "backups/prod"
        backup-keyset-env = "PROD_BACKUP_KEYSET"
        backup-passphrase-env = "PROD_BACKUP_PASSPHRASE"

        [environments.dev]
        url = "jdbc:sqlite:%s"
        """.formatted(db, db));
    Map<String, String> env = Map.of("PROD_BACKUP_KEYSET", Keyset.generate().toJson(PASSPHRASE.toCharArray()),
        "PROD_BACKUP_PASSPHRASE", PASSPHRASE);
    String[] prod = {"--env", "prod", "--config", config.toString()};

    MainTest.Result created = run(env, args(List.of("backup", "create", "--sqlite", db.toString(), "--tag", "env"), prod));
    assertThat(created.code()).as(created.err()).isZero();
    String id = created.out().trim();
    // the relative directory is the config file's, not the working directory's
    assertThat(dir.resolve("backups/prod")).isDirectory();

    MainTest.Result list = run(env, args(List.of("backup", "list"), prod));
    assertThat(list.code()).as(list.err()).isZero();
    assertThat(list.out()).contains(id, "sqlite", "env");

    // the keyset and its passphrase came from the variables the environment names: the data is read
    MainTest.Result verify = run(env, args(List.of("backup", "verify", id, "--depth", "data"), prod));
    assertThat(verify.code()).as(verify.out() + verify.err()).isZero();
    assertThat(verify.out()).startsWith("OK ").doesNotContain("no keyset");
    Path restored = dir.resolve("restored.db");
    MainTest.Result restore = run(env, args(List.of("backup", "restore", id, "--to-file", restored.toString()), prod));
    assertThat(restore.code()).as(restore.err()).isZero();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + restored); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT v FROM t ORDER BY id")) {
      List<String> rows = new ArrayList<>();
      while (rs.next()) {
        rows.add(rs.getString(1));
      }
      assertThat(rows).containsExactly("one", "two", "three");
    }

    // the command line wins: --repo replaces the repository, --keyset-env the environment's keys
    MainTest.Result otherRepo = run(env, args(List.of("backup", "list", "--repo", dir.resolve("elsewhere").toString()), prod));
    assertThat(otherRepo.code()).isEqualTo(Main.ERROR);
    assertThat(otherRepo.err()).contains("No backup repository at " + dir.resolve("elsewhere"), "(--repo)");
    MainTest.Result otherKeys = run(env, args(List.of("backup", "verify", id, "--keyset-env", "OTHER_KEYSET"), prod));
    assertThat(otherKeys.code()).isEqualTo(Main.ERROR);
    assertThat(otherKeys.err()).contains("OTHER_KEYSET (--keyset-env) is not set");
    // a variable the environment names but the shell lacks is named, with where it was named
    MainTest.Result unset = run(Map.of("PROD_BACKUP_PASSPHRASE", PASSPHRASE),
        args(List.of("backup", "verify", id), prod));
    assertThat(unset.code()).isEqualTo(Main.ERROR);
    assertThat(unset.err()).contains("PROD_BACKUP_KEYSET (backup-keyset-env of environment 'prod') is not set");
  }

  @Test
  void withoutRepoOrAnEnvironmentWithBackupTheCommandSaysWhatToGive() throws Exception {
    Path config = Files.writeString(dir.resolve("lockplane.toml"), "[environments.dev]\nurl = \"jdbc:sqlite:dev.db\"\n");
    Map<String, String> none = Map.of();
    MainTest.Result bare = run(none, "backup", "list");
    assertThat(bare.code()).isEqualTo(Main.USAGE);
    assertThat(bare.err()).contains("give --repo DIR|URI, or --env NAME whose lockplane.toml entry has backup = …");
    MainTest.Result dev = run(none, "recover", "--env", "dev", "--config", config.toString(), "--latest", "--plan");
    assertThat(dev.code()).isEqualTo(Main.USAGE);
    assertThat(dev.err()).contains("environment 'dev' sets no backup; give --repo DIR|URI, or --env NAME whose "
        + "lockplane.toml entry has backup = …");
    MainTest.Result push = run(none, "wal", "push", "--env", "dev", "--config", config.toString(), dir.resolve("w").toString());
    assertThat(push.code()).isEqualTo(Main.USAGE);
    assertThat(push.err()).contains("environment 'dev' sets no backup");
  }

  @Test
  void physicalWithAnEnvironmentReachesItsServerWithItsCredentials() throws Exception {
    LocalPostgres pg = SharedPostgres.get();
    // over Lockplane's own replication connection (the round trip is tested in the backup library)
    String secret = "env-repl-secret-17";
    try (Connection c = pg.connect("postgres"); Statement s = c.createStatement()) {
      s.execute("DROP ROLE IF EXISTS env_repl");
      s.execute("CREATE ROLE env_repl LOGIN REPLICATION PASSWORD '" + secret + "'");
    }
    Path config = Files.writeString(dir.resolve("lockplane.toml"), """
        [environments.prod]
        url = "postgres://env_repl@127.0.0.1:%d/postgres"
        password-env = "PROD_DB_PASSWORD"
        backup = "backups"
        backup-unencrypted = true
        """.formatted(pg.port()));
    MainTest.Result r = run(Map.of("PROD_DB_PASSWORD", secret), "backup", "create", "--physical", "--env", "prod",
        "--config", config.toString());
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.err()).doesNotContain(secret);
    String id = r.out().trim();
    MainTest.Result show = run(Map.of(), "backup", "show", "--env", "prod", "--config", config.toString(), "--format", "json", id);
    assertThat(show.code()).as(show.err()).isZero();
    assertThat(show.out()).contains("\"sourcePort\" : \"" + pg.port() + "\"", "\"method\" : \"BASE_BACKUP\"")
        .doesNotContain(secret).doesNotContain("env_repl");
  }

  @Test
  void everyCommandThatOpensARepositoryTakesEnvAndConfig() {
    List<String> opening = new ArrayList<>();
    collect(Main.commandLine(new Cli(System.out, System.err, System.in, new HashMap<>(), false)), "lockplane", opening);
    assertThat(opening).contains("lockplane backup list", "lockplane backup create", "lockplane recover",
        "lockplane wal push", "lockplane wal status");
  }

  /** Adds the commands that mix in {@link RepositoryOptions}, checking each has --env and --config. */
  private static void collect(CommandLine cl, String name, List<String> into) {
    boolean repository = cl.getCommandSpec().mixins().values().stream()
        .anyMatch(m -> m.userObject() instanceof RepositoryOptions);
    if (repository) {
      into.add(name);
      assertThat(EnvironmentOptions.of(cl.getCommandSpec())).as(name).isNotNull();
      assertThat(cl.getCommandSpec().findOption("--env")).as(name).isNotNull();
      assertThat(cl.getCommandSpec().findOption("--config")).as(name).isNotNull();
    }
    cl.getSubcommands().forEach((sub, c) -> collect(c, name + " " + sub, into));
  }

  private static String[] args(List<String> command, String... more) {
    List<String> all = new ArrayList<>(command);
    all.addAll(List.of(more));
    return all.toArray(String[]::new);
  }
}
