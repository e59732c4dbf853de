package dev.lockplane.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lockplane.cli.MainTest.Result;
import dev.lockplane.postgres.LocalPostgres;
import dev.lockplane.testing.SharedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every command's error paths — unreachable host, bad URL, unknown driver, wrong password, missing
 * file, misplaced option — with one distinctive password in the URL and on the command line: it
 * appears in no output, and no error is a stack trace.
 */
class NoSecretsTest {
  static final String PW = "Zebra-Quartz-4411";

  LocalPostgres pg = SharedPostgres.get();
  @TempDir Path tmp;

  @Test
  void thePasswordAppearsInNoOutputOfAnyErrorPath() throws Exception {
    String live = pg.jdbcUrl("postgres");
    String hostPort = live.substring(live.indexOf("//") + 2, live.lastIndexOf('/'));
    Path schema = tmp.resolve("s.sql");
    Files.writeString(schema, "CREATE TABLE t (id int PRIMARY KEY);\n");
    Path missing = tmp.resolve("missing-plan.json");
    Path repo = tmp.resolve("repo");
    Files.createDirectories(repo);

    List<String[]> connections = List.of(
        new String[] {"--url", "jdbc:postgresql://127.0.0.1:1/app?password=" + PW},
        new String[] {"--url", "jdbc:postgresql://127.0.0.1:1/app?user=u&password=" + PW + "&ssl=false"},
        new String[] {"--url", "postgres://u:" + PW + "@127.0.0.1:1/app"},
        new String[] {"--url", "postgresql://u:" + PW + "@" + hostPort + "/postgres"},
        new String[] {"--url", "jdbc:postgresql://127.0.0.1:1/app", "--user", "u", "--password", PW},
        new String[] {"--url", live, "--user", pg.user(), "--password", PW},
        new String[] {"--url", live + "?password=" + PW, "--user", pg.user()},
        new String[] {"--url=" + live, "--user", pg.user(), "--password=" + PW},
        new String[] {"--url", "jdbc:mysql://db/app?password=" + PW},
        new String[] {"--url", "mysql://u:" + PW + "@db/app"},
        new String[] {"--url", "not a url password=" + PW},
        new String[] {"--url", "postgres://u:" + PW + "@"},
        new String[] {"--url", "jdbc:postgresql://no-such-host.invalid/app", "--password", PW});
    List<String[]> commands = List.of(
        new String[] {"introspect"},
        new String[] {"introspect", "--format", "json", "--debug"},
        new String[] {"plan", "--schema", schema.toString()},
        new String[] {"plan", "--schema", tmp.resolve("no-schema").toString()},
        new String[] {"drift", "--schema", schema.toString(), "--format", "json"},
        new String[] {"validate", "--schema", schema.toString()},
        new String[] {"apply", "--plan", missing.toString()},
        new String[] {"apply", "--schema", schema.toString(), "--auto-approve"},
        new String[] {"apply", "--schema", schema.toString()},
        new String[] {"rollback", "--plan", missing.toString()},
        new String[] {"backup", "compare", "--repo", repo.toString(), "some-id"},
        new String[] {"backup", "list", "--repo", repo.toString()},
        new String[] {"backup", "compare", "--repo", tmp.resolve("no-repo").toString(), "some-id"});
    int runs = 0;
    for (String[] command : commands) {
      for (String[] connection : connections) {
        List<String> args = new ArrayList<>(List.of(command));
        args.addAll(List.of(connection));
        Result r = MainTest.run(Map.of("PGPASSWORD", "Other-" + PW), args.toArray(String[]::new));
        String all = r.all();
        assertThat(r.code()).as(args + "\n" + all).isIn(Main.ERROR, Main.USAGE);
        assertThat(all).as(String.join(" ", args)).doesNotContain(PW).doesNotContain("Zebra");
        if (!args.contains("--debug")) {
          assertThat(all).as(String.join(" ", args)).doesNotContain("\tat ").doesNotContain("Caused by");
        }
        assertThat(r.err()).as(String.join(" ", args)).isNotBlank();
        runs++;
      }
    }
    assertThat(runs).isEqualTo(commands.size() * connections.size());
    // The password-file and environment paths, with the file's content and the variables masked too.
    Path pwFile = tmp.resolve("pw");
    Files.writeString(pwFile, PW + "\n");
    Result file = MainTest.run("introspect", "--url", live, "--user", pg.user(), "--password-file", pwFile.toString(), "--debug");
    assertThat(file.code()).isEqualTo(Main.ERROR);
    assertThat(file.all()).contains("password authentication failed").doesNotContain(PW);
    Result env = MainTest.run(Map.of("LOCKPLANE_PASSWORD", PW), "introspect", "--url", live, "--user", pg.user(), "--debug");
    assertThat(env.code()).isEqualTo(Main.ERROR);
    assertThat(env.all()).doesNotContain(PW);
  }
}
