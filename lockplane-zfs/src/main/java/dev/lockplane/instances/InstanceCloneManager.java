package dev.lockplane.instances;

import dev.lockplane.clone.CloneManager;
import dev.lockplane.clone.Snapshot;
import dev.lockplane.storage.CowStorage;
import java.util.List;
import java.util.Optional;

/**
 * A {@link CloneManager} whose clones are whole PostgreSQL instances on copy-on-write storage: each
 * clone is a snapshot clone of the golden data directory with its own server, port, role and
 * password. Make one with {@link InstanceClones#on(CowStorage)}.
 *
 * <p>The manager keeps a registry (JSON, written atomically) on the store, so a manager opened later
 * on the same store — even after the previous JVM was killed — finds the clones again, re-attaches to
 * their running servers and restarts stopped ones. Only one manager may use a store at a time.
 *
 * <p>{@link #close()} destroys the clones that are not {@linkplain InstanceClone#protect protected}
 * and the snapshots no kept clone uses, unless the builder said
 * {@link InstanceClones.Builder#keepClonesOnClose(boolean) keepClonesOnClose(true)}; kept clones'
 * servers are stopped and restarted by the next manager. The golden snapshot is always kept, for
 * reuse by a manager with the same golden.
 */
public interface InstanceCloneManager extends CloneManager {

  /** Returns the storage this manager works on. */
  CowStorage storage();

  @Override
  InstanceClone create();

  @Override
  InstanceClone create(String name);

  @Override
  InstanceClone create(String name, Snapshot snapshot);

  /** Returns every clone of the store, FATAL ones included, sorted by name. */
  List<InstanceClone> instances();

  /**
   * Finds a clone by name, FATAL ones included.
   *
   * @param name the clone's name
   * @return the clone, or empty
   */
  Optional<InstanceClone> instance(String name);

  /**
   * Destroys the clones that had no session for the builder's
   * {@link InstanceClones.Builder#idleTimeout idle timeout}, except protected ones. The manager also
   * does this by itself periodically when an idle timeout is set.
   *
   * @return the names of the destroyed clones
   */
  List<String> removeIdleClones();

  /**
   * Applies the snapshot retention of the builder ({@link InstanceClones.Builder#keepSnapshots}):
   * keeps the golden and the newest snapshots, and any snapshot a clone was made from.
   *
   * @return the names of the removed snapshots
   */
  List<String> pruneSnapshots();

  /**
   * Takes a snapshot of the standby golden now and makes it the golden that {@link #create(String)}
   * copies (see {@link InstanceClones.Builder#standby()}). Existing clones keep the snapshot they
   * were made from; the previous golden stays as an ordinary snapshot until the retention of
   * {@link InstanceClones.Builder#keepSnapshots(int)} removes it. The new snapshot's
   * {@link Snapshot#dataStateAt()} is the time the standby's data was from.
   *
   * @return the new golden snapshot
   * @throws dev.lockplane.LockplaneException {@code UNSUPPORTED} when the golden is not a standby;
   *     {@code DATABASE_ERROR} when the standby cannot follow its source (see {@link #standby()})
   */
  Snapshot snapshotGolden();

  /**
   * Returns the state of the standby golden: whether it streams, its replication lag, the time its
   * data is from, and any problem that stops it following the source.
   *
   * @return the state, or empty when the golden is not a standby
   */
  Optional<StandbyStatus> standby();
}
