package dev.lockplane.internal.backup;

import dev.lockplane.ErrorCode;
import dev.lockplane.backup.BackupException;
import dev.lockplane.clone.GoldenSource;
import dev.lockplane.clone.GoldenTarget;
import dev.lockplane.postgres.Installation;
import java.net.URI;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A golden loaded from one backup of a repository: a physical backup becomes the golden data
 * directory (the golden server then recovers it to its consistent end); a logical one is restored
 * with {@code pg_restore} into the golden database. The data is from the backup's stop time.
 */
public final class BackupGoldenSource implements GoldenSource {
  private final RepositoryEngine engine;
  private final Manifest manifest;

  /**
   * Creates the source of one backup.
   *
   * @param engine the repository
   * @param manifest the backup's manifest, already read (so a missing backup fails here)
   */
  public BackupGoldenSource(RepositoryEngine engine, Manifest manifest) {
    if (!manifest.kind().equals("physical") && !manifest.kind().equals("logical")) {
      throw new BackupException(ErrorCode.UNSUPPORTED, "Backup " + manifest.id() + " is a " + manifest.kind()
          + " backup; a golden PostgreSQL database comes from a physical or a logical backup.", manifest.id(), null, null);
    }
    this.engine = engine;
    this.manifest = manifest;
  }

  @Override
  public Form form() {
    return manifest.kind().equals("physical") ? Form.PHYSICAL : Form.LOGICAL;
  }

  /** The repository and the resolved backup id: a backup never changes, so neither does the golden. */
  @Override
  public String contentKey() {
    return "backup\n" + engine.storage().describe() + "\n" + manifest.id();
  }

  @Override
  public String describe() {
    return manifest.kind() + " backup " + manifest.id() + " (PostgreSQL " + manifest.serverVersion() + ") in "
        + engine.storage().describe();
  }

  @Override
  public Instant load(GoldenTarget target) {
    ProgressTracker progress = new ProgressTracker(p -> target.progress(p.phase().toString().toLowerCase(java.util.Locale.ROOT)
        + " " + p.bytesDone() + " of " + p.bytesTotal() + " bytes"));
    if (form() == Form.PHYSICAL) {
      if (target.serverMajorVersion() != manifest.serverMajor()) {
        throw new BackupException(ErrorCode.INVALID_CONFIGURATION, "Backup " + manifest.id() + " is of PostgreSQL "
            + manifest.serverVersion() + ", but the golden runs PostgreSQL " + target.serverMajorVersion()
            + "; a physical backup runs on its own major version. Ask the clone manager for version("
            + manifest.serverMajor() + ").", manifest.id(), null, null);
      }
      Path data = target.dataDirectory().toAbsolutePath().normalize();
      target.progress("restoring physical backup " + manifest.id() + " into " + data);
      Restorer.restoreFiles(engine, manifest, data, p -> true, false, progress);
      Restorer.makeDataDirectory(data);
    } else {
      Path pgRestore = pgRestore(target);
      URI u = URI.create(target.jdbcUrl().substring("jdbc:".length()));
      target.progress("restoring logical backup " + manifest.id() + " into database " + target.database()
          + " (owners and grants are not restored: the golden's objects belong to " + target.user() + ")");
      LogicalRestore.intoEmptyDatabase(engine, manifest, pgRestore, u.getHost() == null ? "localhost" : u.getHost(),
          u.getPort() < 0 ? 5432 : u.getPort(), target.user(), target.password().orElse(null), target.database(), progress);
    }
    return Instant.parse(manifest.stopTime());
  }

  /**
   * Finds {@code pg_restore}: of the target's version, else of the dump's (an older {@code
   * pg_restore} reads its own dumps and talks to newer servers).
   */
  private Path pgRestore(GoldenTarget target) {
    int major = target.serverMajorVersion();
    Set<Installation> candidates = new LinkedHashSet<>();
    Optional<Path> bin = target.binDirectory();
    candidates.add(new Installation(bin.orElse(Path.of("/usr/lib/postgresql", String.valueOf(major), "bin")), major,
        String.valueOf(major), "target"));
    int dumped = manifest.serverMajor();
    if (dumped > 0 && dumped < major) {
      candidates.add(new Installation(Path.of("/usr/lib/postgresql", String.valueOf(dumped), "bin"), dumped,
          String.valueOf(dumped), "machine"));
    }
    List<String> looked = new ArrayList<>();
    for (Installation i : candidates) {
      Optional<Path> p = i.tool("pg_restore");
      if (p.isPresent()) {
        return p.get();
      }
      looked.add(String.valueOf(i.majorVersion()));
    }
    throw new BackupException(ErrorCode.BINARIES_NOT_FOUND, "No pg_restore of PostgreSQL " + String.join(" or ", looked)
        + " was found to restore backup " + manifest.id() + " into the golden: install postgresql-client-" + major
        + " (Debian/Ubuntu).", manifest.id(), null, null);
  }

  @Override
  public String toString() {
    return describe();
  }
}
