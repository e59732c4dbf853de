package dev.lockplane.clones;

import dev.lockplane.ErrorCode;
import dev.lockplane.LockplaneException;
import dev.lockplane.clone.CloneManager;
import dev.lockplane.clone.Golden;
import dev.lockplane.internal.clone.SqliteCloneManager;
import java.nio.file.Path;
import java.util.Objects;

/** Configures SQLite clones. Each setting may be given once. */
public final class SqliteClonesBuilder {
  private final Path directory;
  private Golden golden;

  SqliteClonesBuilder(Path directory) {
    this.directory = directory.toAbsolutePath();
  }

  /**
   * What the golden database holds (default: an empty database). {@link Golden#fromDatabase(String)}
   * names a SQLite file to copy.
   *
   * @param golden the golden's description
   * @return this builder
   */
  public SqliteClonesBuilder golden(Golden golden) {
    if (this.golden != null) {
      throw new LockplaneException(ErrorCode.INVALID_CONFIGURATION, "golden was already set to " + this.golden + "; set it once.");
    }
    this.golden = Objects.requireNonNull(golden, "golden");
    return this;
  }

  /**
   * Builds (or reuses) the golden file and returns the manager.
   *
   * @return a thread-safe manager; close it to delete its clones and snapshots
   */
  public CloneManager start() {
    return SqliteCloneManager.start(directory, golden == null ? Golden.empty() : golden);
  }
}
