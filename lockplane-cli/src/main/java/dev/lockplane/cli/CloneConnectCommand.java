package dev.lockplane.cli;

import dev.lockplane.ErrorCode;
import dev.lockplane.LockplaneException;
import dev.lockplane.cli.OutputOptions.Format;
import dev.lockplane.clone.Clone;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code lockplane clone connect NAME}: the connection string, or psql on the clone. */
@Command(name = "connect", description = {
    "Print a clone's connection string, or with --psql run psql on it (arguments after -- go to psql).",
    "Instance clones: the clone's server runs while this command does; without --psql it keeps the server",
    "up until interrupted (Ctrl-C). Database clones live on their server: the command prints and exits."})
final class CloneConnectCommand extends CloneWorkCommand {
  @Parameters(index = "0", paramLabel = "NAME", description = "The clone.")
  String name;

  @Parameters(index = "1..*", paramLabel = "PSQL-ARG", description = "With --psql, arguments for psql (after --).")
  List<String> psqlArgs = new ArrayList<>();

  @Option(names = "--psql", description = "Run psql on the clone (it must be on PATH), with the password in its environment.")
  boolean psql;

  @Option(names = "--show-password", description = "Also print an instance clone's generated password.")
  boolean showPassword;

  @Override
  int execute() throws Exception {
    Format format = output.format(spec, Format.TEXT, Format.JSON);
    if (!psqlArgs.isEmpty() && !psql) {
      throw usage("Arguments after the clone's name go to psql: give --psql");
    }
    if (psql && format == Format.JSON) {
      throw usage("--psql runs psql; --format json prints the connection instead: give one");
    }
    Path psqlBinary = psql ? findPsql() : null;
    try (CloneStoreOptions.Opened o = open()) {
      Clone c = clone(o, name);
      Optional<String> role = CloneRoles.of(o, c);
      String user = role.orElse(c.user());
      boolean show = showPassword && o.instances() && role.isEmpty();
      if (psqlBinary != null) {
        return runPsql(psqlBinary, c);
      }
      if (show) {
        cli.secret(c.password());
      }
      if (format == Format.JSON) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("clone", CloneViews.json(c, null, show, user));
        cli.out().print(Json.write(m));
      } else {
        cli.out().println(CloneViews.postgresUrl(c, user));
        cli.out().println(dev.lockplane.internal.sql.JdbcUrls.redact(c.jdbcUrl()) + "  (user " + user + ")");
        if (show) {
          cli.out().println("password: " + c.password());
        }
      }
      cli.out().flush();
      if (o.instances() && format == Format.TEXT) {
        reporter().info("Clone " + c.name() + "'s server runs until this command is interrupted (Ctrl-C).");
        reporter().finish();
        awaitInterrupt(o);
      }
    }
    return Main.OK;
  }

  private Path findPsql() {
    String path = cli.env("PATH");
    if (path != null) {
      for (String dir : path.split(java.io.File.pathSeparator)) {
        if (dir.isEmpty()) {
          continue;
        }
        Path p = Path.of(dir, "psql");
        if (Files.isRegularFile(p) && Files.isExecutable(p)) {
          return p;
        }
      }
    }
    throw new LockplaneException(ErrorCode.BINARIES_NOT_FOUND, "psql is not on PATH. Install the PostgreSQL client"
        + " (Debian: apt-get install postgresql-client), or run without --psql to get the connection string.");
  }

  // The password goes to psql through its environment: on its command line every user could read it.
  private int runPsql(Path binary, Clone c) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(binary.toString());
    cmd.add(CloneViews.postgresUrl(c));
    cmd.addAll(psqlArgs);
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().put("PGPASSWORD", c.password() == null ? "" : c.password());
    if (cli.terminal()) {
      pb.inheritIO();
      return pb.start().waitFor();
    }
    pb.redirectInput(ProcessBuilder.Redirect.INHERIT);
    Process p = pb.start();
    Thread err = pump(p.getErrorStream(), cli.err());
    pump(p.getInputStream(), cli.out()).join();
    err.join();
    return p.waitFor();
  }

  private static Thread pump(InputStream in, OutputStream out) {
    Thread t = new Thread(() -> {
      try (in) {
        in.transferTo(out);
        out.flush();
      } catch (IOException e) {
        // the process ended; what it printed so far is out
      }
    }, "psql-output");
    t.start();
    return t;
  }

  private static void awaitInterrupt(CloneStoreOptions.Opened o) throws InterruptedException {
    CountDownLatch never = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(o::close, "lockplane-clone-connect"));
    never.await();
  }
}
