package dev.lockplane.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lockplane.postgres.LocalPostgres;
import dev.lockplane.testing.SharedPostgres;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MainTest {
  /** Everything printed. */
  record Result(int code, String out, String err) {
    String all() {
      return out + err;
    }
  }

  /** {@code lockplane ARGS} in this JVM, with an environment of nothing but a HOME without a .pgpass. */
  static Result run(String... args) {
    return run(Map.of(), args);
  }

  static Result run(Map<String, String> env, String... args) {
    return run(env, "", false, args);
  }

  /** With the given environment (HOME defaults to a directory without .pgpass), stdin, and terminal or not. */
  static Result run(Map<String, String> env, String stdin, boolean terminal, String... args) {
    Map<String, String> e = new HashMap<>(env);
    e.putIfAbsent("HOME", "/nonexistent-home");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    Cli cli = new Cli(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
        new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)), e, terminal);
    int code = Main.run(cli, args);
    return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void planApplyDriftRollbackWithExitCodes(@TempDir Path dir) throws Exception {
    LocalPostgres pg = SharedPostgres.get();
    String db = "cli_" + Long.toHexString(System.nanoTime());
    try (Connection c = pg.connect("postgres"); Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + db + " TEMPLATE template0");
    }
    try {
      String url = pg.jdbcUrl(db);
      String[] conn = {"--url", url, "--user", pg.user(), "--password", pg.password()};
      String[] auth = concat(conn, new String[] {"--scratch-url", pg.jdbcUrl("postgres")});
      Path schema = dir.resolve("schema.sql");
      Files.writeString(schema, "CREATE TABLE t (id int PRIMARY KEY, name text NOT NULL);\n");
      Path planFile = dir.resolve("plan.json");
      Result plan = run(concat(new String[] {"plan", "--schema", schema.toString(), "--out", planFile.toString()}, auth));
      assertThat(plan.code()).as(plan.err()).isEqualTo(Main.CHANGES);
      assertThat(plan.out()).contains("CREATE TABLE public.t");
      assertThat(run(concat(new String[] {"drift", "--schema", schema.toString()}, auth)).code()).isEqualTo(Main.CHANGES);
      Result apply = run(concat(new String[] {"apply", "--plan", planFile.toString()}, conn));
      assertThat(apply.code()).as(apply.err()).isEqualTo(Main.OK);
      assertThat(run(concat(new String[] {"plan", "--schema", schema.toString()}, auth)).code()).isEqualTo(Main.OK);
      Result drift = run(concat(new String[] {"drift", "--schema", schema.toString(), "--format", "json"}, auth));
      assertThat(drift.code()).isEqualTo(Main.OK);
      assertThat(drift.out()).contains("\"formatVersion\" : 1");
      Result introspect = run(concat(new String[] {"introspect", "--format", "json"}, conn));
      assertThat(introspect.out()).contains("\"name\" : \"t\"");
      Result again = run(concat(new String[] {"apply", "--plan", planFile.toString()}, conn));
      assertThat(again.code()).isEqualTo(Main.ERROR);
      assertThat(again.err()).contains("schema changed");
      Result rollback = run(concat(new String[] {"rollback", "--plan", planFile.toString()}, conn));
      assertThat(rollback.code()).as(rollback.err()).isEqualTo(Main.OK);
      assertThat(run(concat(new String[] {"bogus"}, auth)).code()).isEqualTo(Main.USAGE);
      Result xml = run(concat(new String[] {"plan", "--format", "xml", "--schema", schema.toString()}, conn));
      assertThat(xml.code()).isEqualTo(Main.USAGE);
      assertThat(xml.err()).contains("'--format': 'xml' is not one of text, json, markdown");
    } finally {
      try (Connection c = pg.connect("postgres"); Statement s = c.createStatement()) {
        s.execute("DROP DATABASE IF EXISTS " + db + " WITH (FORCE)");
      }
    }
  }

  private static String[] concat(String[] a, String[] b) {
    String[] r = new String[a.length + b.length];
    System.arraycopy(a, 0, r, 0, a.length);
    System.arraycopy(b, 0, r, a.length, b.length);
    return r;
  }
}
