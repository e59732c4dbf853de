package dev.lockplane.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lockplane.cli.MainTest.Result;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The parser's contract: help, version, usage errors, durations, and read-only commands that create nothing. */
class CommandLineTest {
  @TempDir Path tmp;

  private static void collect(CommandLine cl, List<String> path, List<List<String>> into) {
    into.add(path);
    cl.getSubcommands().forEach((name, sub) -> {
      List<String> p = new ArrayList<>(path);
      p.add(name);
      collect(sub, p, into);
    });
  }

  @Test
  void helpOnEveryCommandAndSubcommandExitsZero() {
    Cli cli = new Cli(new PrintStream(new ByteArrayOutputStream()), new PrintStream(new ByteArrayOutputStream()),
        new ByteArrayInputStream(new byte[0]), Map.of(), false);
    List<List<String>> commands = new ArrayList<>();
    collect(Main.commandLine(cli), List.of(), commands);
    assertThat(commands).hasSizeGreaterThan(15).contains(List.of("backup", "keys", "generate"), List.of("apply"));
    for (List<String> command : commands) {
      for (String flag : List.of("--help", "-h")) {
        List<String> args = new ArrayList<>(command);
        args.add(flag);
        Result r = MainTest.run(args.toArray(String[]::new));
        assertThat(r.code()).as(args + ": " + r.err()).isZero();
        assertThat(r.out()).as(String.valueOf(args)).contains("Usage: lockplane");
        assertThat(r.err()).as(String.valueOf(args)).isEmpty();
      }
    }
    assertThat(MainTest.run("plan", "--help").out()).contains("--schema", "--safety", "--password-file", "--format");
    assertThat(MainTest.run("help", "backup").out()).contains("prune", "verify");
  }

  @Test
  void aRunBuildsOnlyTheCommandsItsArgumentsNameAndSeesThemAsTheWholeTreeDoes() {
    Cli cli = new Cli(new PrintStream(new ByteArrayOutputStream()), new PrintStream(new ByteArrayOutputStream()),
        new ByteArrayInputStream(new byte[0]), Map.of(), false);
    CommandLine whole = Main.commandLine(cli);
    List<List<String>> commands = new ArrayList<>();
    collect(whole, List.of(), commands);
    for (List<String> command : commands.subList(1, commands.size())) {
      CommandLine inWhole = at(whole, command);
      // each name in the tree is the one its command gives itself
      assertThat(inWhole.getCommand().getClass().getAnnotation(CommandLine.Command.class).name())
          .isEqualTo(command.get(command.size() - 1));
      // built for a run of that command, its path holds one command a level (help needs all it can
      // describe), and it reads as in the whole tree
      CommandLine forRun = Main.commandLine(cli, command.toArray(String[]::new));
      for (int depth = 0; depth < command.size() && !command.get(0).equals("help"); depth++) {
        assertThat(at(forRun, command.subList(0, depth)).getSubcommands().keySet()).as(String.valueOf(command))
            .containsExactly(command.get(depth));
      }
      assertThat(at(forRun, command).getUsageMessage()).isEqualTo(inWhole.getUsageMessage());
    }
    assertThat(Main.commandLine(cli, new String[] {"backup", "list", "--repo", "r"}).getSubcommands().get("backup")
        .getSubcommands().keySet()).containsExactly("list");
    // a word after an option may be the option's value; help describes everything; a misspelt word
    // is corrected from the whole level
    int all = whole.getSubcommands().size();
    assertThat(Main.commandLine(cli, new String[] {"--version"}).getSubcommands()).isEmpty();
    assertThat(Main.commandLine(cli, new String[] {"--version", "--help"}).getSubcommands()).hasSize(all);
    assertThat(Main.commandLine(cli, new String[0]).getSubcommands()).hasSize(all);
    assertThat(Main.commandLine(cli, new String[] {"-h", "plan"}).getSubcommands()).hasSize(all);
    assertThat(Main.commandLine(cli, new String[] {"help", "backup"}).getSubcommands()).hasSize(all);
    assertThat(Main.commandLine(cli, new String[] {"drift", "--url", "u", "fix"}).getSubcommands().get("drift")
        .getSubcommands()).containsOnlyKeys("fix");
    assertThat(Main.commandLine(cli, new String[] {"backup", "lst"}).getSubcommands().get("backup").getSubcommands())
        .hasSize(whole.getSubcommands().get("backup").getSubcommands().size());
    Result misspelt = MainTest.run("backup", "lst");
    assertThat(misspelt.code()).isEqualTo(Main.USAGE);
    assertThat(misspelt.err()).contains("'lst'", "list");
    Result unknown = MainTest.run("bakup", "list");
    assertThat(unknown.code()).isEqualTo(Main.USAGE);
    assertThat(unknown.err()).contains("'bakup'", "backup");
  }

  private static CommandLine at(CommandLine top, List<String> path) {
    CommandLine c = top;
    for (String name : path) {
      c = c.getSubcommands().get(name);
    }
    return c;
  }

  @Test
  void versionComesFromTheBuild() {
    Result r = MainTest.run("--version");
    assertThat(r.code()).isZero();
    assertThat(r.out()).matches("lockplane \\d+\\.\\d+\\.\\d+(-SNAPSHOT)?\\R");
  }

  @Test
  void usageErrorsExit64AndNameTheOption() {
    Path db = tmp.resolve("u.db");
    Result noCommand = MainTest.run();
    assertThat(noCommand.code()).isEqualTo(Main.USAGE);
    assertThat(noCommand.err()).contains("Missing command", "plan", "backup");
    assertThat(MainTest.run("backup").code()).isEqualTo(Main.USAGE);
    assertThat(MainTest.run("backup", "keys").code()).isEqualTo(Main.USAGE);

    Result unknown = MainTest.run("plan", "--url", "jdbc:sqlite:" + db, "--schema", "s.sql", "--frobnicate");
    assertThat(unknown.code()).isEqualTo(Main.USAGE);
    assertThat(unknown.err()).contains("Unknown option: '--frobnicate'", "lockplane plan --help");

    Result missingUrl = MainTest.run("introspect");
    assertThat(missingUrl.code()).isEqualTo(Main.USAGE);
    assertThat(missingUrl.err()).contains("--url");
    Result missingSchema = MainTest.run("drift", "--url", "jdbc:sqlite:" + db);
    assertThat(missingSchema.code()).isEqualTo(Main.USAGE);
    assertThat(missingSchema.err()).contains("--schema");

    Result badFormat = MainTest.run("introspect", "--url", "jdbc:sqlite:" + db, "--format", "markdown");
    assertThat(badFormat.code()).isEqualTo(Main.USAGE);
    assertThat(badFormat.err()).contains("'--format': 'markdown' is not one of text, json");
    Result badRisk = MainTest.run("validate", "--url", "jdbc:postgresql://127.0.0.1:1/x", "--schema", "s.sql", "--max-risk", "huge");
    assertThat(badRisk.code()).isEqualTo(Main.USAGE);
    assertThat(badRisk.err()).contains("--max-risk", "safe, review, lossy, dangerous, multi_phase");
    Result badDepth = MainTest.run("backup", "verify", "--repo", tmp.toString(), "x", "--depth", "deep");
    assertThat(badDepth.code()).isEqualTo(Main.USAGE);
    assertThat(badDepth.err()).contains("--depth", "structure, data, drill");
    Result badNumber = MainTest.run("backup", "prune", "--repo", tmp.toString(), "--keep-last", "many");
    assertThat(badNumber.code()).isEqualTo(Main.USAGE);
    assertThat(badNumber.err()).contains("--keep-last", "many");
    Result badUrl = MainTest.run("introspect", "--url", "mysql://h/db");
    assertThat(badUrl.code()).isEqualTo(Main.USAGE);
    assertThat(badUrl.err()).contains("'--url'", "jdbc:postgresql://", "jdbc:sqlite:FILE");
    Result quietAndVerbose = MainTest.run("introspect", "--url", "jdbc:sqlite:" + db, "-q", "-v");
    assertThat(quietAndVerbose.code()).isEqualTo(Main.USAGE);
    assertThat(quietAndVerbose.err()).contains("-q cannot be combined with -v");
    assertThat(db).doesNotExist();
  }

  @Test
  void anOptionThatDoesNotApplyToTheCommandIsAnError() {
    Path db = tmp.resolve("n.db");
    Result r = MainTest.run("introspect", "--url", "jdbc:sqlite:" + db, "--schema", "s.sql");
    assertThat(r.code()).isEqualTo(Main.USAGE);
    assertThat(r.err()).contains("Unknown options: '--schema'");
    Result list = MainTest.run("backup", "list", "--repo", tmp.toString(), "--url", "jdbc:sqlite:x");
    assertThat(list.code()).isEqualTo(Main.USAGE);
    assertThat(list.err()).contains("'--url'");
    Result rollback = MainTest.run("rollback", "--url", "jdbc:sqlite:" + db, "--plan", "p.json", "--safety", "strict");
    assertThat(rollback.code()).isEqualTo(Main.USAGE);
    assertThat(rollback.err()).contains("'--safety'");
    Result applyPlan = MainTest.run("apply", "--url", "jdbc:sqlite:" + db, "--plan", "p.json", "--auto-approve");
    assertThat(applyPlan.code()).isEqualTo(Main.USAGE);
    assertThat(applyPlan.err()).contains("--auto-approve go with --schema");
  }

  @Test
  void durationsInShortAndIsoForm() {
    DurationConverter c = new DurationConverter();
    assertThat(c.convert("5s")).isEqualTo(Duration.ofSeconds(5));
    assertThat(c.convert("2m")).isEqualTo(Duration.ofMinutes(2));
    assertThat(c.convert("500ms")).isEqualTo(Duration.ofMillis(500));
    assertThat(c.convert("1h")).isEqualTo(Duration.ofHours(1));
    assertThat(c.convert("7d")).isEqualTo(Duration.ofDays(7));
    assertThat(c.convert("PT5S")).isEqualTo(Duration.ofSeconds(5));

    Path missingPlan = tmp.resolve("missing.json");
    for (String good : List.of("5s", "2m", "500ms", "1h", "PT5S")) {
      // Accepted by the parser: the run then fails on the missing plan file (1), not on usage (64).
      Result r = MainTest.run("rollback", "--url", "jdbc:sqlite:" + tmp.resolve("d.db"), "--plan", missingPlan.toString(),
          "--lock-timeout", good);
      assertThat(r.code()).as(good + ": " + r.err()).isEqualTo(Main.ERROR);
      assertThat(r.err()).contains("No file at " + missingPlan).doesNotContain("\tat ");
    }
    for (String bad : List.of("5x", "five", "-5s", "PT", "5")) {
      Result r = MainTest.run("rollback", "--url", "jdbc:sqlite:x.db", "--plan", "p.json", "--lock-timeout", bad);
      assertThat(r.code()).as(bad).isEqualTo(Main.USAGE);
      assertThat(r.err()).contains("Invalid value for option '--lock-timeout'", "'" + bad + "' is not a duration",
          "500ms, 5s, 2m, 1h, 7d", "PT5S");
    }
    Result prune = MainTest.run("backup", "prune", "--repo", tmp.toString(), "--keep-within", "a week");
    assertThat(prune.code()).isEqualTo(Main.USAGE);
    assertThat(prune.err()).contains("'--keep-within'");
  }

  @Test
  void readOnlyCommandsCreateNothing() throws Exception {
    Path db = tmp.resolve("missing.db");
    Result introspect = MainTest.run("introspect", "--url", "jdbc:sqlite:" + db);
    assertThat(introspect.code()).isEqualTo(Main.ERROR);
    assertThat(introspect.err()).contains("No SQLite database at " + db.toAbsolutePath(), "creates none");
    Path schema = tmp.resolve("s.sql");
    Files.writeString(schema, "CREATE TABLE t (id integer PRIMARY KEY);\n");
    assertThat(MainTest.run("plan", "--url", "jdbc:sqlite:" + db, "--schema", schema.toString()).code()).isEqualTo(Main.ERROR);
    assertThat(MainTest.run("drift", "--url", "jdbc:sqlite:" + db, "--schema", schema.toString()).code()).isEqualTo(Main.ERROR);
    assertThat(db).doesNotExist();

    Path repo = tmp.resolve("no-repo");
    for (String[] args : List.of(new String[] {"list"}, new String[] {"verify", "some-id"}, new String[] {"show", "some-id"},
        new String[] {"prune", "--keep-last", "1"}, new String[] {"extract", "some-id", "--table", "t", "--unencrypted"})) {
      List<String> all = new ArrayList<>(List.of("backup", args[0], "--repo", repo.toString()));
      all.addAll(List.of(args).subList(1, args.length));
      Result r = MainTest.run(all.toArray(String[]::new));
      assertThat(r.code()).as(all + r.err()).isEqualTo(Main.ERROR);
      assertThat(r.err()).contains("No backup repository at " + repo.toAbsolutePath());
      assertThat(repo).doesNotExist();
    }
  }

  @Test
  void aFileThatIsNotSqliteIsAClearError() throws Exception {
    Path notDb = tmp.resolve("notes.txt");
    Files.writeString(notDb, "these are not the tables you are looking for\n".repeat(20));
    Result r = MainTest.run("introspect", "--url", "jdbc:sqlite:" + notDb);
    assertThat(r.code()).isEqualTo(Main.ERROR);
    assertThat(r.err()).contains(notDb.toAbsolutePath() + " is not a SQLite database").doesNotContain("\tat ");
    assertThat(Files.readString(notDb)).startsWith("these are not");

    Path real = tmp.resolve("real.db");
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + real)) {
      c.createStatement().execute("CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT NOT NULL)");
    }
    Result ok = MainTest.run("introspect", "--url", "jdbc:sqlite:" + real, "--format", "json");
    assertThat(ok.code()).as(ok.err()).isZero();
    assertThat(ok.out()).contains("\"name\" : \"t\"");
  }

  @Test
  void noLoggingFrameworkWarningsOnStderr() throws Exception {
    Path db = tmp.resolve("log.db");
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db)) {
      c.createStatement().execute("CREATE TABLE t (id INTEGER PRIMARY KEY)");
    }
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), Main.class.getName(),
        "introspect", "--url", "jdbc:sqlite:" + db).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor()).as(err).isZero();
    assertThat(out).contains("CREATE TABLE");
    // At most a progress line, when the JVM took over two seconds to get there.
    assertThat(err).doesNotContain("SLF4J").doesNotContain("WARN");
    assertThat(err.lines()).allMatch(l -> l.startsWith("reading the schema of"));
  }
}
