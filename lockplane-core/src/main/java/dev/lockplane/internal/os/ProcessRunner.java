package dev.lockplane.internal.os;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs a short-lived command and collects its output. */
public final class ProcessRunner {
  private ProcessRunner() {}

  /**
   * The outcome of a command.
   *
   * @param command what was run
   * @param exitCode the exit code, or -1 when it timed out
   * @param output standard output and standard error, interleaved
   */
  public record Result(List<String> command, int exitCode, String output) {
    /** Returns whether the command exited with code 0. */
    public boolean ok() {
      return exitCode == 0;
    }
  }

  /**
   * Runs a command and waits for it.
   *
   * @param command the program and arguments
   * @param workDir the working directory, or {@code null}
   * @param env extra environment variables
   * @param timeout how long to wait before killing it
   * @return the outcome
   * @throws IOException when the program cannot be started
   */
  public static Result run(List<String> command, Path workDir, Map<String, String> env, Duration timeout)
      throws IOException {
    ProcessBuilder pb = new ProcessBuilder(new ArrayList<>(command)).redirectErrorStream(true);
    if (workDir != null) {
      pb.directory(workDir.toFile());
    }
    pb.environment().putAll(env);
    Process p = pb.start();
    p.getOutputStream().close();
    byte[] out;
    Thread reader;
    final byte[][] holder = new byte[1][];
    reader =
        new Thread(
            () -> {
              try {
                holder[0] = p.getInputStream().readAllBytes();
              } catch (IOException e) {
                holder[0] = ("<output unreadable: " + e + ">").getBytes(StandardCharsets.UTF_8);
              }
            },
            "lockplane-process-output");
    reader.setDaemon(true);
    reader.start();
    try {
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        reader.join(1000);
        out = holder[0] == null ? new byte[0] : holder[0];
        return new Result(command, -1, new String(out, StandardCharsets.UTF_8) + "\n<timed out after " + timeout + ">");
      }
      reader.join(5000);
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while running " + command, e);
    }
    out = holder[0] == null ? new byte[0] : holder[0];
    return new Result(command, p.exitValue(), new String(out, StandardCharsets.UTF_8));
  }
}
