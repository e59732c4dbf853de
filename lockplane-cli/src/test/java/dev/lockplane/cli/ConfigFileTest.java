package dev.lockplane.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lockplane.ErrorCode;
import dev.lockplane.LockplaneException;
import dev.lockplane.cli.MainTest.Result;
import dev.lockplane.safety.SafetyLevel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** lockplane.toml: reading, strictness, no literal passwords, discovery upwards. */
class ConfigFileTest {
  @TempDir Path dir;

  private Path write(String toml) throws Exception {
    Path f = dir.resolve("lockplane.toml");
    Files.writeString(f, toml);
    return f;
  }

  private static void invalid(Path f, String... parts) {
    assertThatThrownBy(() -> ConfigFile.read(f)).isInstanceOfSatisfying(LockplaneException.class,
        e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_CONFIGURATION)).hasMessageContainingAll(parts);
  }

  @Test
  void environmentsAreReadWithPathsResolvedAgainstTheFile() throws Exception {
    Path f = write("""
        # shared by the team
        [environments.staging]
        url = "postgres://app@staging.db:5432/app"
        password-env = "STAGING_PW"
        schema = "db/schema"
        safety = "strict"
        lock-timeout = "2s"
        lock-wait = "30s"
        ignore = ["breaks-consumers", "add-column-volatile-default"]

        [environments.production]
        url = "postgres://app@prod.db/app"
        user = "deploy"
        password-file = "secrets/prod"
        statement-timeout = "PT1M"
        scratch-url = "postgres://app@scratch.db/postgres"
        """);
    ConfigFile c = ConfigFile.read(f);
    assertThat(c.environments()).containsOnlyKeys("staging", "production");
    ConfigFile.Environment s = c.environment("staging");
    assertThat(s.schema()).isEqualTo(dir.toAbsolutePath().resolve("db/schema"));
    assertThat(s.safety()).isEqualTo(SafetyLevel.STRICT);
    assertThat(s.lockTimeout()).isEqualTo(Duration.ofSeconds(2));
    assertThat(s.lockWait()).isEqualTo(Duration.ofSeconds(30));
    assertThat(s.passwordEnv()).isEqualTo("STAGING_PW");
    assertThat(s.ignore()).containsExactly("breaks-consumers", "add-column-volatile-default");
    ConfigFile.Environment p = c.environment("production");
    assertThat(p.user()).isEqualTo("deploy");
    assertThat(p.passwordFile()).isEqualTo(dir.toAbsolutePath().resolve("secrets/prod"));
    assertThat(p.statementTimeout()).isEqualTo(Duration.ofMinutes(1));
    assertThatThrownBy(() -> c.environment("qa")).hasMessageContaining("No environment 'qa' in " + f)
        .hasMessageContaining("it defines: production, staging");
  }

  @Test
  void theClonesTableSetsTheCloneCommandsDefaults() throws Exception {
    ConfigFile c = ConfigFile.read(write("[clones]\nmax-age = \"7d\"\nprefix = \"dev_\"\n\n[environments.dev]\nurl = \"postgres://a@h/db\"\n"));
    assertThat(c.clones()).isEqualTo(new ConfigFile.Clones(Duration.ofDays(7), "dev_"));
    assertThat(c.environments()).containsOnlyKeys("dev");
    assertThat(ConfigFile.read(write("[environments.dev]\nurl = \"postgres://a@h/db\"\n")).clones())
        .isEqualTo(ConfigFile.Clones.NONE);
    invalid(write("[clones]\nmax-age = \"7d\"\nmax-aeg = \"1d\"\n"),
        "line 3: clones.max-aeg: unknown key 'max-aeg'; known keys: max-age, prefix");
    invalid(write("[clones]\nmax-age = \"soon\"\n"), "line 2: clones.max-age: 'soon' is not a duration");
    invalid(write("[clones]\nprefix = \"Dev-\"\n"), "line 2: clones.prefix: 'Dev-' is not a database prefix");
    invalid(write("clones = 3\n"), "clones: must be a table of settings");
  }

  @Test
  void badFilesAreRefusedWithTheirPathAndLine() throws Exception {
    invalid(write("[environments.dev]\nurl = \"postgres://a@h/db\"\nlock-timout = \"2s\"\n"),
        "lockplane.toml line 3: environments.dev.lock-timout: unknown key 'lock-timout'; known keys: ");
    invalid(write("[environments.dev]\nurl = \"postgres://a@h/db\"\n\n[environments.prod]\nurl = \"x\"\npassword = \"s3cret-value\"\n"),
        "line 6: environments.prod.password: a literal password is not allowed", "password-env");
    assertThatThrownBy(() -> ConfigFile.read(dir.resolve("lockplane.toml"))).hasMessageNotContaining("s3cret-value");
    invalid(write("[environments.dev]\nurl = \"postgres://a:hunter22@h/db\"\n"),
        "line 2: environments.dev.url: the URL holds a password");
    assertThatThrownBy(() -> ConfigFile.read(dir.resolve("lockplane.toml"))).hasMessageNotContaining("hunter22");
    invalid(write("[environments.dev]\nurl = \"postgres://a@h/db\"\nsafety = \"reckless\"\n"),
        "line 3: environments.dev.safety: 'reckless' is not one of strict, moderate, permissive");
    invalid(write("[environments.dev]\nlock-wait = 30\n"), "line 2: environments.dev.lock-wait: must be a non-empty string");
    invalid(write("[environments.dev]\nlock-wait = \"soon\"\n"), "environments.dev.lock-wait: 'soon' is not a duration");
    invalid(write("[environment.dev]\nurl = \"x\"\n"), "environment: unknown key 'environment'");
    invalid(write("[environments.dev]\nurl = \"postgres://a@h/db\"\nignore = [\"drop-colum\"]\n"),
        "line 3: environments.dev.ignore: 'drop-colum' is not a plan rule; known rules: ", "breaks-consumers");
    invalid(write("[environments.dev]\nignore = \"breaks-consumers\"\n"),
        "line 2: environments.dev.ignore: must be a list of plan rule ids");
    invalid(write("[environments.dev]\nurl = \"postgres://a@h/db\"\nuser = \n"), "lockplane.toml line 3", "not valid TOML");
    invalid(write("[environments.dev]\nurl = \"postgres://a@h/db\n"), "lockplane.toml line 2", "not valid TOML");
  }

  @Test
  void backupKeysNameTheRepositoryAndWhereItsKeysAre() throws Exception {
    ConfigFile c = ConfigFile.read(write("""
        [environments.prod]
        url = "postgres://app@prod.db/app"
        backup = "s3://acme-backups/prod/?endpoint=http://127.0.0.1:9000&region=eu-west-1&pathStyle=true"
        backup-keyset-env = "PROD_KEYSET"
        backup-passphrase-env = "PROD_PASSPHRASE"

        [environments.staging]
        backup = "../backups/staging"
        backup-keyset = "keys/staging.json"

        [environments.dev]
        backup = "/var/backups/dev"
        backup-unencrypted = true

        [environments.qa]
        url = "jdbc:sqlite:qa.db"
        """));
    assertThat(c.environment("prod").backup()).isEqualTo(new ConfigFile.Backup(
        "s3://acme-backups/prod/?endpoint=http://127.0.0.1:9000&region=eu-west-1&pathStyle=true", null, "PROD_KEYSET",
        "PROD_PASSPHRASE", false));
    Path abs = dir.toAbsolutePath();
    assertThat(c.environment("staging").backup()).isEqualTo(new ConfigFile.Backup(
        abs.getParent().resolve("backups/staging").toString(), abs.resolve("keys/staging.json"), null, null, false));
    assertThat(c.environment("dev").backup()).isEqualTo(new ConfigFile.Backup("/var/backups/dev", null, null, null, true));
    assertThat(c.environment("qa").backup()).isNull();
  }

  @Test
  void backupKeysOfTheWrongKindOrWithCredentialsAreRefused() throws Exception {
    invalid(write("[environments.prod]\nurl = \"postgres://a@h/db\"\nbackup = 7\n"),
        "lockplane.toml line 3: environments.prod.backup: must be a non-empty string");
    invalid(write("[environments.prod]\nbackup = \"b\"\nbackup-unencrypted = \"yes\"\n"),
        "line 3: environments.prod.backup-unencrypted: must be true or false");
    invalid(write("[environments.prod]\nbackup = \"b\"\nbackup-keyset-env = [\"K\"]\n"),
        "line 3: environments.prod.backup-keyset-env: must be a non-empty string");
    invalid(write("[environments.prod]\nbackup = \"b\"\nbackup-keyset = \"k.json\"\nbackup-keyset-env = \"K\"\n"),
        "line 4: environments.prod: give backup-keyset or backup-keyset-env, not both");
    invalid(write("[environments.prod]\nbackup-keyset-env = \"K\"\nbackup-unencrypted = true\n"),
        "line 3: environments.prod.backup-unencrypted: the environment also names a keyset");
    invalid(write("[environments.prod]\nbackup = \"ftp://host/backups\"\n"),
        "line 2: environments.prod.backup: scheme 'ftp' is not a backup repository");
    invalid(write("[environments.prod]\nbackup-keyst = \"k.json\"\n"),
        "line 2: environments.prod.backup-keyst: unknown key 'backup-keyst'; known keys: ", "backup-keyset-env");
    for (String uri : new String[] {"s3://AKIAEXAMPLE7:wJalrXUtnSECRET9@bucket/prefix/",
        "s3://bucket/prefix/?endpoint=http://minio:9000&accessKey=AKIAEXAMPLE7&secretKey=wJalrXUtnSECRET9",
        "s3://bucket/prefix/?region=eu-west-1&X-Amz-Security-Token=wJalrXUtnSECRET9"}) {
      Path f = write("[environments.prod]\nurl = \"postgres://a@h/db\"\nbackup = \"" + uri + "\"\n");
      invalid(f, "line 3: environments.prod.backup: the URI holds credentials; they are not allowed", "AWS environment");
      assertThatThrownBy(() -> ConfigFile.read(f)).hasMessageNotContaining("wJalrXUtnSECRET9")
          .hasMessageNotContaining("AKIAEXAMPLE7");
    }
  }

  @Test
  void theJsonSchemaDescribesTheKeysTheReaderKnows() throws Exception {
    Path schema = Path.of("..", "docs", "lockplane-toml.schema.json");
    com.fasterxml.jackson.databind.JsonNode root = new com.fasterxml.jackson.databind.ObjectMapper().readTree(schema.toFile());
    java.util.Set<String> environment = new java.util.TreeSet<>();
    root.path("$defs").path("environment").path("properties").fieldNames().forEachRemaining(environment::add);
    assertThat(environment).isEqualTo(new java.util.TreeSet<>(ConfigFile.KEYS));
    java.util.Set<String> clones = new java.util.TreeSet<>();
    root.path("properties").path("clones").path("properties").fieldNames().forEachRemaining(clones::add);
    assertThat(clones).isEqualTo(new java.util.TreeSet<>(ConfigFile.CLONE_KEYS));
    assertThat(root.path("$defs").path("environment").path("properties").path("backup-unencrypted").path("type").asText())
        .isEqualTo("boolean");
  }

  @Test
  void theFileIsFoundInTheDirectoryOrAParent() throws Exception {
    Path f = write("[environments.dev]\nurl = \"jdbc:sqlite:x.db\"\n");
    Path deep = Files.createDirectories(dir.resolve("a/b/c"));
    assertThat(ConfigFile.find(deep)).isEqualTo(f.toAbsolutePath());
    assertThat(ConfigFile.find(dir)).isEqualTo(f.toAbsolutePath());
  }

  @Test
  void envOnTheCommandLine() throws Exception {
    Path db = dir.resolve("dev.db");
    Path schema = dir.resolve("schema.sql");
    Files.writeString(schema, "CREATE TABLE t (id INTEGER PRIMARY KEY);\n");
    Path f = write("[environments.dev]\nurl = \"jdbc:sqlite:" + db + "\"\nschema = \"schema.sql\"\n");
    Result applied = MainTest.run("apply", "--env", "dev", "--config", f.toString(), "--auto-approve");
    assertThat(applied.code()).as(applied.err()).isZero();
    assertThat(applied.out()).startsWith("Applied 1 step");
    Result status = MainTest.run("status", "--env", "dev", "--config", f.toString());
    assertThat(status.code()).as(status.err()).isZero();
    assertThat(status.out()).startsWith("status: at desired state");
    // The command line overrides the file: another schema, another database.
    Path other = dir.resolve("other.sql");
    Files.writeString(other, "CREATE TABLE t (id INTEGER PRIMARY KEY);\nCREATE TABLE u (id INTEGER);\n");
    assertThat(MainTest.run("drift", "--env", "dev", "--config", f.toString(), "--schema", other.toString()).code())
        .isEqualTo(Main.CHANGES);
    Result missingEnv = MainTest.run("status", "--env", "qa", "--config", f.toString());
    assertThat(missingEnv.code()).isEqualTo(Main.ERROR);
    assertThat(missingEnv.err()).contains("No environment 'qa'", "it defines: dev");
    Result noConfig = MainTest.run("drift", "--config", f.toString(), "--url", "jdbc:sqlite:" + db);
    assertThat(noConfig.code()).isEqualTo(Main.USAGE);
    assertThat(noConfig.err()).contains("--config goes with --env NAME");
  }
}
