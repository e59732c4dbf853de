package dev.lockplane.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lockplane.cli.MainTest.Result;
import dev.lockplane.postgres.LocalPostgres;
import dev.lockplane.testing.SharedPostgres;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every place a password can come from, each used for a real connection to the shared server. */
class CredentialsTest {
  LocalPostgres pg = SharedPostgres.get();
  @TempDir Path tmp;

  private String url() {
    return pg.jdbcUrl("postgres");
  }

  private String hostPort() {
    String u = url();
    String rest = u.substring(u.indexOf("//") + 2);
    return rest.substring(0, rest.indexOf('/'));
  }

  private static void connected(Result r) {
    assertThat(r.code()).as(r.err()).isZero();
  }

  private static void refused(Result r) {
    assertThat(r.code()).as(r.out()).isEqualTo(Main.ERROR);
    assertThat(r.err()).contains("password authentication failed").doesNotContain("\tat ");
  }

  @Test
  void passwordOptionAndPasswordFile() throws Exception {
    connected(MainTest.run("introspect", "--url", url(), "--user", pg.user(), "--password", pg.password()));
    Path file = tmp.resolve("pw");
    Files.writeString(file, pg.password() + "\n");
    connected(MainTest.run("introspect", "--url", url(), "--user", pg.user(), "--password-file", file.toString()));
    Result missing = MainTest.run("introspect", "--url", url(), "--user", pg.user(), "--password-file", tmp.resolve("nope").toString());
    assertThat(missing.code()).isEqualTo(Main.USAGE);
    assertThat(missing.err()).contains("'--password-file'", "nope");
    // --password wins over everything else
    refused(MainTest.run(Map.of("LOCKPLANE_PASSWORD", pg.password()), "introspect", "--url", url(), "--user", pg.user(),
        "--password", "not-the-password"));
  }

  @Test
  void passwordFromTheEnvironment() {
    connected(MainTest.run(Map.of("LOCKPLANE_PASSWORD", pg.password()), "introspect", "--url", url(), "--user", pg.user()));
    connected(MainTest.run(Map.of("PGPASSWORD", pg.password()), "introspect", "--url", url(), "--user", pg.user()));
    connected(MainTest.run(Map.of("PGPASSWORD", pg.password(), "PGUSER", pg.user()), "introspect", "--url", url()));
    // LOCKPLANE_PASSWORD comes before PGPASSWORD
    refused(MainTest.run(Map.of("LOCKPLANE_PASSWORD", "wrong-one", "PGPASSWORD", pg.password()), "introspect",
        "--url", url(), "--user", pg.user()));
    Result none = MainTest.run("introspect", "--url", url(), "--user", pg.user());
    assertThat(none.code()).isEqualTo(Main.ERROR);
    assertThat(none.err()).contains("password").doesNotContain("\tat ");
  }

  @Test
  void passwordFromAPgpassFile() throws Exception {
    String[] hp = hostPort().split(":");
    Path pgpass = tmp.resolve("pgpass");
    Files.writeString(pgpass, String.join("\n",
        "# comments and lines for other servers are skipped",
        hp[0] + ":1:postgres:" + pg.user() + ":wrong-port",
        "*:" + hp[1] + ":otherdb:*:wrong-db",
        "*:" + hp[1] + ":*:" + pg.user() + ":" + pg.password().replace(":", "\\:"),
        "*:*:*:*:too-late"), StandardCharsets.UTF_8);
    connected(MainTest.run(Map.of("PGPASSFILE", pgpass.toString()), "introspect", "--url", url(), "--user", pg.user()));
    Path home = tmp.resolve("home");
    Files.createDirectories(home);
    Files.copy(pgpass, home.resolve(".pgpass"));
    connected(MainTest.run(Map.of("HOME", home.toString()), "introspect", "--url", url(), "--user", pg.user()));
    // PGPASSWORD is looked at before the file
    refused(MainTest.run(Map.of("HOME", home.toString(), "PGPASSWORD", "wrong-env"), "introspect", "--url", url(),
        "--user", pg.user()));
  }

  @Test
  void postgresUrlsWithTheirCredentials() {
    String enc = URLEncoder.encode(pg.password(), StandardCharsets.UTF_8);
    connected(MainTest.run("introspect", "--url", "postgres://" + pg.user() + ":" + enc + "@" + hostPort() + "/postgres"));
    connected(MainTest.run("introspect", "--url", "postgresql://" + hostPort() + "/postgres?user=" + pg.user()
        + "&password=" + enc));
    connected(MainTest.run(Map.of("PGPASSWORD", pg.password()), "introspect", "--url",
        "postgres://" + pg.user() + "@" + hostPort() + "/postgres"));
    connected(MainTest.run("introspect", "--url", url() + "?password=" + enc, "--user", pg.user()));
    Result wrong = MainTest.run("introspect", "--url", "postgres://" + pg.user() + ":nope-nope@" + hostPort() + "/postgres");
    refused(wrong);
    assertThat(wrong.all()).doesNotContain("nope-nope");
  }
}
