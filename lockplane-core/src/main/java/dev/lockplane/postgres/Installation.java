package dev.lockplane.postgres;

import dev.lockplane.internal.postgres.ClientTools;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * A set of PostgreSQL server binaries of one major version.
 *
 * @param binDirectory the directory holding {@code postgres} and {@code initdb}
 * @param majorVersion the major version, such as 18
 * @param version the full version reported by {@code postgres --version}, such as {@code 18.1}
 * @param source where the binaries came from, in words (an artifact, a directory, the machine)
 */
public record Installation(Path binDirectory, int majorVersion, String version, String source) {

  /** Validates the components. */
  public Installation {
    Objects.requireNonNull(binDirectory, "binDirectory");
    Objects.requireNonNull(version, "version");
    Objects.requireNonNull(source, "source");
  }

  /**
   * Finds a client tool (such as {@code pg_dump}, {@code pg_basebackup}, {@code psql}) of this
   * installation's major version: first beside the server binaries, then in the machine's
   * {@code /usr/lib/postgresql/MAJOR/bin}, {@code /usr/pgsql-MAJOR/bin}, Homebrew's
   * {@code postgresql@MAJOR}, then {@code PATH} (a tool there is asked its version). The embedded binaries
   * ship only {@code initdb}, {@code pg_ctl} and {@code postgres}, so client tools usually come from
   * the machine (Debian: {@code apt-get install postgresql-client-MAJOR}).
   *
   * @param name the tool's file name
   * @return the tool's path, or empty when no tool of the same major version exists
   */
  public Optional<Path> tool(String name) {
    return ClientTools.find(name, majorVersion, binDirectory);
  }

}
