package dev.lockplane.clone;

import java.util.List;
import java.util.Optional;

/**
 * Creates, lists, resets and destroys {@link Clone}s of {@link Snapshot}s.
 *
 * <p>A manager is thread-safe: many threads may create, reset and destroy clones at once. Closing
 * it destroys the clones and snapshots it created (the golden snapshot is kept where the backend
 * caches it); closing twice is safe.
 *
 * <pre>{@code
 * try (LocalPostgres pg = LocalPostgres.builder().start();
 *      CloneManager clones = CloneManagers.databases(pg)
 *          .golden(Golden.fromScripts(Path.of("db/schema.sql")))
 *          .start()) {
 *   Clone c = clones.create("neal");
 *   ...
 *   c.reset();
 * }
 * }</pre>
 */
public interface CloneManager extends AutoCloseable {

  /** Returns the snapshot of the golden database; {@link #create()} copies it. */
  Snapshot golden();

  /** Returns how this manager copies snapshots, and why. */
  CloneStrategy strategy();

  /**
   * Creates a clone of the golden snapshot with a generated name.
   *
   * @return the new clone
   */
  Clone create();

  /**
   * Creates a clone of the golden snapshot.
   *
   * @param name the clone's name: 1 to 40 characters, lower-case letters, digits, {@code _} or
   *     {@code -}, starting with a letter
   * @return the new clone
   * @throws dev.lockplane.CloneException with {@code ALREADY_EXISTS} if the name is taken
   */
  Clone create(String name);

  /**
   * Creates a clone of a snapshot.
   *
   * @param name the clone's name (see {@link #create(String)})
   * @param snapshot the snapshot to copy
   * @return the new clone
   */
  Clone create(String name, Snapshot snapshot);

  /** Returns the live clones of this manager, sorted by name. */
  List<Clone> list();

  /**
   * Finds a clone by name.
   *
   * @param name the clone's name
   * @return the clone, or empty
   */
  Optional<Clone> get(String name);

  /**
   * Freezes the current state of a clone into a new snapshot, from which further clones can be
   * created. The clone's open connections are terminated while it is copied.
   *
   * @param name the snapshot's name (same rules as clone names)
   * @param source the clone to copy
   * @return the new snapshot
   */
  Snapshot snapshot(String name, Clone source);

  /** Returns the snapshots of this manager, the golden first, then by creation time. */
  List<Snapshot> snapshots();

  /**
   * Removes a snapshot that no clone uses.
   *
   * @param snapshot the snapshot to remove; the golden cannot be removed
   * @throws dev.lockplane.CloneException with {@code IN_USE} if a clone was created from it
   */
  void destroySnapshot(Snapshot snapshot);

  /**
   * Keeps a clone past {@link #close()}, so that it can be inspected later (for example the clone of
   * a failed test, on a server that outlives the JVM). Database-level and SQLite managers stop
   * tracking it (it is no longer listed; its handle stays usable); instance-level managers protect
   * it, and the next manager on the same store finds it again.
   *
   * @param clone a clone of this manager
   */
  void keep(Clone clone);

  /**
   * Builds a new golden from the same source beside the current one — for a golden read from a
   * server, the source's data as it is now — and switches to it only once it is complete: clones
   * made afterwards copy the new golden; clones of the former one keep working, and reset to it,
   * until they are destroyed, and the former golden is dropped when the last of them is. A failed
   * refresh leaves nothing behind and the current golden in place.
   *
   * <p>Database-level managers implement it; the others throw {@code UNSUPPORTED}.
   *
   * <pre>{@code
   * Snapshot fresh = clones.refreshGolden();
   * System.out.println("data from " + fresh.dataStateAt());
   * }</pre>
   *
   * @return the new golden snapshot, also returned by {@link #golden()} from now on
   * @throws dev.lockplane.LockplaneException when the source cannot be read or loaded (the current
   *     golden stays), or with {@code UNSUPPORTED} for managers that cannot refresh
   */
  default Snapshot refreshGolden() {
    throw new dev.lockplane.LockplaneException(dev.lockplane.ErrorCode.UNSUPPORTED,
        "This clone manager (" + getClass().getSimpleName() + ") cannot refresh its golden yet; only database-level"
            + " clones (CloneManagers.databases(...)) can. Start a new manager to pick up new data.");
  }

  /** Destroys the clones and snapshots this manager created. Closing twice is safe. */
  @Override
  void close();

  /**
   * Returns the masking report kept with this manager's golden: the rules applied, the rows per
   * table, the duration and the columns that looked personal and had no rule.
   *
   * @return the report, or empty when the golden is not masked (or this kind of manager keeps none)
   */
  default Optional<dev.lockplane.golden.MaskingReport> maskingReport() {
    return Optional.empty();
  }

  /**
   * Returns the subset report kept with this manager's golden: the rows kept per table and why, and
   * the tables dropped.
   *
   * @return the report, or empty when the golden is not a subset (or this kind of manager keeps none)
   */
  default Optional<dev.lockplane.golden.SubsetReport> subsetReport() {
    return Optional.empty();
  }
}
