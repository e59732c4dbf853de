package dev.lockplane.cli;

import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import picocli.CommandLine;

/**
 * The {@code lockplane} command line: one parser (picocli) for every command.
 *
 * <pre>
 * lockplane plan --url postgres://app@db/app --schema schema/ --format json --out plan.json
 * lockplane apply --url ... --plan plan.json
 * lockplane validate --url ... --schema schema/ --safety strict --format markdown
 * lockplane backup create --repo /backups --keyset keys.json --sqlite app.db
 * </pre>
 *
 * <p>Exit codes: {@value #OK} nothing to do or done, {@value #CHANGES} changes, drift or findings,
 * {@value #ERROR} a runtime error, {@value #USAGE} a command line that does not make sense.
 */
public final class Main {
  /** Exit code: no change, no drift, or the work is done. */
  public static final int OK = 0;
  /** Exit code: a runtime error. */
  public static final int ERROR = 1;
  /** Exit code: the plan has changes, drift was found, or validation/verification found problems. */
  public static final int CHANGES = 2;
  /** Exit code: a usage error (BSD's EX_USAGE): an unknown option, a bad value, a missing argument. */
  public static final int USAGE = 64;

  /**
   * Set by the launcher on the run that writes its class archive, which later runs map: every
   * command's classes belong in it, not only the ones this run needed.
   */
  static final String ARCHIVING = "lockplane.cds.archiving";

  private Main() {}

  /**
   * Runs the command with the process's streams and environment, and exits with its code.
   *
   * @param args the arguments
   */
  public static void main(String[] args) {
    int code = run(args, System.out, System.err, System.in, System.getenv());
    if (Boolean.getBoolean(ARCHIVING)) {
      loadEveryCommand();
    }
    System.exit(code);
  }

  private static void loadEveryCommand() {
    try {
      Cli quiet = new Cli(new PrintStream(OutputStream.nullOutputStream()), new PrintStream(OutputStream.nullOutputStream()),
          InputStream.nullInputStream(), Map.of(), false);
      commandLine(quiet).getUsageMessage();
    } catch (RuntimeException | LinkageError e) {
      // the archive holds fewer classes; the command has run
    }
  }

  /**
   * Runs the command with the process's environment and standard input.
   *
   * @param args the arguments
   * @param out where results go
   * @param err where errors, progress and information go
   * @return the exit code
   */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    return run(args, out, err, System.in, System.getenv());
  }

  /**
   * Runs the command in this JVM with the given streams and environment; a person is taken to be
   * at a terminal only when {@code out} is {@link System#out} and the JVM has a console.
   *
   * @param args the arguments
   * @param out where results go
   * @param err where errors, progress and information go
   * @param in where answers to prompts come from
   * @param env the environment variables ({@code LOCKPLANE_PASSWORD}, {@code PGPASSWORD}, …)
   * @return the exit code
   */
  public static int run(String[] args, PrintStream out, PrintStream err, InputStream in, Map<String, String> env) {
    return run(new Cli(out, err, in, env, out == System.out && terminal()), args);
  }

  // Java 22+ returns a console even when redirected; its isTerminal() says whether it is one.
  private static boolean terminal() {
    java.io.Console console = System.console();
    if (console == null) {
      return false;
    }
    try {
      return (Boolean) java.io.Console.class.getMethod("isTerminal").invoke(console);
    } catch (ReflectiveOperationException e) {
      return true; // before Java 22 a console exists only on a terminal
    }
  }

  static int run(Cli cli, String[] args) {
    rememberSecrets(cli, args);
    Logging.configure(Logging.DEFAULT);
    CommandLine cl = commandLine(cli, args);
    return cl.execute(args);
  }

  /** The whole command tree, as help describes it. */
  static CommandLine commandLine(Cli cli) {
    return commandLine(cli, null);
  }

  /** The commands {@code args} name (see {@link CommandTree}), or the whole tree when {@code args} is null. */
  static CommandLine commandLine(Cli cli, String[] args) {
    CommandLine cl = CommandTree.build(new CommandFactory(cli), args);
    cl.setOut(new PrintWriter(new java.io.OutputStreamWriter(cli.out(), StandardCharsets.UTF_8), true));
    cl.setErr(new PrintWriter(new java.io.OutputStreamWriter(cli.err(), StandardCharsets.UTF_8), true));
    ErrorHandler handler = new ErrorHandler(cli);
    cl.setParameterExceptionHandler(handler);
    cl.setExecutionExceptionHandler(handler);
    cl.setUsageHelpAutoWidth(false);
    return cl;
  }

  // A usage error can quote any argument (an unknown option's value, say), so every password the
  // command line names is known before parsing, not only once a command resolves its credentials.
  private static void rememberSecrets(Cli cli, String[] args) {
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (a.equals("--password") && i + 1 < args.length) {
        cli.secret(args[i + 1]);
      } else if (a.startsWith("--password=")) {
        cli.secret(a.substring("--password=".length()));
      }
      if (a.contains("://") || a.toLowerCase(java.util.Locale.ROOT).contains("password=")) {
        try {
          cli.secret(dev.lockplane.internal.sql.JdbcUrls.passwordOf(a));
        } catch (IllegalArgumentException e) {
          // not a URL after all (a bad %-escape): redaction still covers its password= parameter
        }
      }
    }
    cli.secret(cli.env("LOCKPLANE_PASSWORD"));
    cli.secret(cli.env("PGPASSWORD"));
  }
}
