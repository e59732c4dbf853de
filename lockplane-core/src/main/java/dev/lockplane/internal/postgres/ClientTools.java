package dev.lockplane.internal.postgres;

import dev.lockplane.ErrorCode;
import dev.lockplane.LockplaneException;
import dev.lockplane.internal.os.ProcessRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds PostgreSQL client tools ({@code pg_dump}, {@code pg_restore}, {@code pg_basebackup},
 * {@code psql}) by major version — the one way every module finds them. The embedded server
 * binaries ship only {@code initdb}, {@code pg_ctl} and {@code postgres}, so client tools usually
 * come from the machine: beside the server binaries, then {@code /usr/lib/postgresql/N/bin}
 * (Debian, Ubuntu), {@code /usr/pgsql-N/bin} (RHEL), Homebrew's {@code postgresql@N}, then
 * {@code PATH}, where a tool is asked its version.
 *
 * <p>The system property {@value #PROPERTY}, else the environment variable {@value #VARIABLE},
 * replaces that search: a list of bin directories (separated like {@code PATH}) that are the only
 * places looked in besides the server's own binaries, each tool asked its version. It pins the tools
 * on a machine with several installations, and provides them where none is in a standard place.
 */
public final class ClientTools {
  private static final Pattern VERSION = Pattern.compile("\\(PostgreSQL\\) (\\d+)");
  /** Versions of tools on PATH, asked once per file. */
  private static final Map<Path, Integer> PROBED = new ConcurrentHashMap<>();
  /** The newest major version a newer tool is looked for under (far ahead of any release). */
  private static final int NEWEST = 40;
  /** The system property naming the directories client tools are looked for in. */
  public static final String PROPERTY = "lockplane.clientTools";
  /** The environment variable naming them, read when the system property is not set. */
  public static final String VARIABLE = "LOCKPLANE_CLIENT_TOOLS";

  private ClientTools() {}

  /**
   * A tool found, with its major version.
   *
   * @param path the executable
   * @param majorVersion its major version
   */
  public record Tool(Path path, int majorVersion) {}

  /**
   * Finds a tool of exactly one major version.
   *
   * @param name the tool's file name
   * @param major the major version
   * @param serverBinDirectory a server's bin directory of that version to look in first, or null
   * @return the tool, or empty
   */
  public static Optional<Path> find(String name, int major, Path serverBinDirectory) {
    Optional<List<Path>> configured = configuredDirectories();
    if (configured.isPresent()) {
      if (serverBinDirectory != null && Files.isExecutable(serverBinDirectory.resolve(name))) {
        return Optional.of(serverBinDirectory.resolve(name));
      }
      return probed(name, configured.get()).stream().filter(t -> t.majorVersion() == major).map(Tool::path).findFirst();
    }
    for (Path d : versionDirectories(major, serverBinDirectory)) {
      Path p = d.resolve(name);
      if (Files.isExecutable(p)) {
        return Optional.of(p);
      }
    }
    return onPath(name).filter(t -> t.majorVersion() == major).map(Tool::path);
  }

  /**
   * Finds a tool that can read a server of {@code serverMajor}: of that major version if there is
   * one, else of the nearest newer one ({@code pg_dump} refuses servers newer than itself and reads
   * older ones).
   *
   * @param name the tool's file name
   * @param serverMajor the server's major version
   * @param serverBinDirectory a bin directory to look in for its own version, or null
   * @param serverBinMajor the major version of that directory's binaries (ignored when it is null)
   * @return the tool
   * @throws LockplaneException with {@code BINARIES_NOT_FOUND} naming what is missing and how to install it
   */
  public static Tool forServer(String name, int serverMajor, Path serverBinDirectory, int serverBinMajor) {
    Optional<List<Path>> configured = configuredDirectories();
    if (configured.isPresent()) {
      if (serverBinDirectory != null && serverBinMajor >= serverMajor && Files.isExecutable(serverBinDirectory.resolve(name))) {
        return new Tool(serverBinDirectory.resolve(name), serverBinMajor);
      }
      List<Tool> there = probed(name, configured.get());
      return there.stream().filter(t -> t.majorVersion() >= serverMajor)
          .min(java.util.Comparator.comparingInt(Tool::majorVersion))
          .orElseThrow(() -> new LockplaneException(ErrorCode.BINARIES_NOT_FOUND,
              missingConfigured(name, serverMajor, configured.get(), there)));
    }
    List<Tool> onPath = new ArrayList<>();
    onPath(name).ifPresent(onPath::add);
    for (int v = serverMajor; v <= NEWEST; v++) {
      Path bin = serverBinDirectory != null && serverBinMajor == v ? serverBinDirectory : null;
      for (Path d : versionDirectories(v, bin)) {
        Path p = d.resolve(name);
        if (Files.isExecutable(p)) {
          return new Tool(p, v);
        }
      }
      for (Tool t : onPath) {
        if (t.majorVersion() == v) {
          return t;
        }
      }
    }
    throw new LockplaneException(ErrorCode.BINARIES_NOT_FOUND, missing(name, serverMajor, false) + found(name, serverMajor));
  }

  /** Names the older tools that were found and cannot serve, so that the user sees why they were passed over. */
  private static String found(String name, int serverMajor) {
    List<String> older = new ArrayList<>();
    for (int v = serverMajor - 1; v >= 9; v--) {
      for (Path d : versionDirectories(v, null)) {
        Path p = d.resolve(name);
        if (Files.isExecutable(p)) {
          older.add(name + " " + v + " (" + p + ")");
          break;
        }
      }
    }
    onPath(name).filter(t -> t.majorVersion() < serverMajor)
        .map(t -> name + " " + t.majorVersion() + " (" + t.path() + ")").filter(t -> !older.contains(t)).ifPresent(older::add);
    return older.isEmpty() ? "" : " Found only " + String.join(", ", older) + ", older than the source's PostgreSQL "
        + serverMajor + ": " + name + " refuses servers newer than itself.";
  }

  private static String missingConfigured(String name, int serverMajor, List<Path> dirs, List<Tool> there) {
    String found = there.isEmpty() ? "none"
        : String.join(", ", there.stream().map(t -> name + " " + t.majorVersion() + " (" + t.path() + ")").toList());
    return "No " + name + " for PostgreSQL " + serverMajor + " or later was found in " + dirs + ", the directories "
        + source() + " names (found: " + found + "). " + name + " must be of the source's major version " + serverMajor
        + " or newer: add the bin directory of a PostgreSQL " + serverMajor + " (or later) client installation to "
        + source() + " (Debian/Ubuntu: apt-get install postgresql-client-" + serverMajor + ", then /usr/lib/postgresql/"
        + serverMajor + "/bin), or unset it to search the machine's standard places and PATH.";
  }

  /** Where the configured directories came from, for messages. */
  private static String source() {
    String p = System.getProperty(PROPERTY);
    return p != null && !p.isBlank() ? "the system property " + PROPERTY : "the environment variable " + VARIABLE;
  }

  /** The directories {@value #PROPERTY} or {@value #VARIABLE} name, if either is set. */
  private static Optional<List<Path>> configuredDirectories() {
    String value = System.getProperty(PROPERTY);
    if (value == null || value.isBlank()) {
      value = System.getenv(VARIABLE);
    }
    if (value == null || value.isBlank()) {
      return Optional.empty();
    }
    List<Path> dirs = new ArrayList<>();
    for (String d : value.split(java.io.File.pathSeparator)) {
      if (!d.isBlank()) {
        dirs.add(Path.of(d.strip()));
      }
    }
    return Optional.of(List.copyOf(dirs));
  }

  /** The tools of that name in the directories, in their order, each with the version it reports. */
  private static List<Tool> probed(String name, List<Path> dirs) {
    List<Tool> out = new ArrayList<>();
    for (Path d : dirs) {
      Path p = d.resolve(name);
      if (Files.isExecutable(p)) {
        Integer v = PROBED.computeIfAbsent(p.toAbsolutePath().normalize(), ClientTools::probe);
        if (v >= 0) {
          out.add(new Tool(p, v));
        }
      }
    }
    return out;
  }

  /**
   * Says that a tool is missing and how to install it.
   *
   * @param name the tool's file name
   * @param major the major version needed
   * @param exact whether only that version will do (else newer ones would too)
   * @return the message
   */
  public static String missing(String name, int major, boolean exact) {
    return "No " + name + " for PostgreSQL " + major + (exact ? "" : " or later") + " was found (looked beside the"
        + " server binaries, in /usr/lib/postgresql/" + major + "/bin, /usr/pgsql-" + major + "/bin, Homebrew's"
        + " postgresql@" + major + " and PATH). " + name + (exact ? " must match the server's major version " + major
        : " must be of the source's major version " + major + " or newer") + ": install postgresql-client-" + major
        + " (Debian/Ubuntu: apt-get install postgresql-client-" + major + "; RHEL: dnf install postgresql" + major
        + "), or put the bin directory of a PostgreSQL " + major + " installation on PATH or in " + VARIABLE
        + " (or the system property " + PROPERTY + ").";
  }

  private static List<Path> versionDirectories(int major, Path serverBinDirectory) {
    List<Path> dirs = new ArrayList<>();
    if (serverBinDirectory != null) {
      dirs.add(serverBinDirectory);
    }
    dirs.add(Path.of("/usr/lib/postgresql", String.valueOf(major), "bin"));
    dirs.add(Path.of("/usr/pgsql-" + major, "bin"));
    dirs.add(Path.of("/opt/homebrew/opt/postgresql@" + major, "bin"));
    dirs.add(Path.of("/usr/local/opt/postgresql@" + major, "bin"));
    return dirs;
  }

  /** The first tool of that name on PATH, with the version it reports. */
  private static Optional<Tool> onPath(String name) {
    String path = System.getenv("PATH");
    if (path == null) {
      return Optional.empty();
    }
    for (String dir : path.split(":")) {
      if (dir.isBlank()) {
        continue;
      }
      Path p = Path.of(dir, name);
      if (Files.isExecutable(p)) {
        Integer v = PROBED.computeIfAbsent(p.toAbsolutePath().normalize(), ClientTools::probe);
        return v < 0 ? Optional.empty() : Optional.of(new Tool(p, v));
      }
    }
    return Optional.empty();
  }

  private static Integer probe(Path tool) {
    try {
      ProcessRunner.Result r = ProcessRunner.run(List.of(tool.toString(), "--version"), null, Map.of(), Duration.ofSeconds(20));
      Matcher m = VERSION.matcher(r.output());
      return r.ok() && m.find() ? Integer.parseInt(m.group(1)) : -1;
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }
}
