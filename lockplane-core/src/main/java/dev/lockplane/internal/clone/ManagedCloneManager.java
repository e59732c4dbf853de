package dev.lockplane.internal.clone;

import dev.lockplane.CloneException;
import dev.lockplane.ErrorCode;
import dev.lockplane.LockplaneException;
import dev.lockplane.clone.Clone;
import dev.lockplane.clone.CloneManager;
import dev.lockplane.clone.CloneStrategy;
import dev.lockplane.clone.Snapshot;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The bookkeeping every clone manager shares — unique names, snapshots and who uses them, the
 * thread-safety of create, reset and destroy, and close — over a backend that only knows how to
 * copy, replace and drop a clone's storage.
 *
 * @param <C> the backend's clone type
 */
abstract class ManagedCloneManager<C extends ManagedClone> implements CloneManager {
  private static final System.Logger LOG = System.getLogger(ManagedCloneManager.class.getName());

  private final CloneStrategy strategy;
  /** Replaced by a refresh; the one it replaced stays, retired, while clones of it live. */
  private volatile Snapshot golden;
  /** Former goldens, dropped once no clone uses them. */
  private final java.util.Set<String> retired = ConcurrentHashMap.newKeySet();
  /** Creates share it; a refresh's switch and the drop of a retired golden take it alone. */
  private final java.util.concurrent.locks.ReadWriteLock goldenUse = new java.util.concurrent.locks.ReentrantReadWriteLock();
  private final Map<String, C> clones = new ConcurrentHashMap<>();
  private final Map<String, Snapshot> snapshots = new ConcurrentHashMap<>();
  /** Where each snapshot lives in the backend: a template database name, a file path. */
  private final Map<String, String> locations = new ConcurrentHashMap<>();
  private final AtomicLong counter = new AtomicLong();
  private final AtomicBoolean closed = new AtomicBoolean();

  ManagedCloneManager(CloneStrategy strategy, Snapshot golden, String goldenLocation) {
    this.strategy = strategy;
    this.golden = golden;
    snapshots.put(golden.name(), golden);
    locations.put(golden.name(), goldenLocation);
  }

  /** Makes a clone handle (no storage yet). */
  abstract C newClone(String name, Snapshot snapshot);

  /** Creates the clone's storage as a copy of a snapshot's; fails if it exists. */
  abstract void copyInto(C clone, String snapshotLocation);

  /** Replaces the clone's storage with a fresh copy of a snapshot's, ending its sessions. */
  abstract void replace(C clone, String snapshotLocation);

  /** Removes the clone's storage; a missing one is not an error. */
  abstract void drop(C clone);

  /** Copies a clone's current state into a new snapshot named {@code name}; returns its location. */
  abstract String freeze(String name, C source);

  /** Removes a snapshot's storage. */
  abstract void dropSnapshot(String location);

  /** Tells the backend that a clone is kept past close (a record to update); nothing by default. */
  void kept(C clone) {}

  /** Releases what the backend holds (connections); called once by {@link #close()}. */
  abstract void release();

  /** Called once when {@link #close()} begins, before any clone is dropped: stop background work. */
  void closing() {}

  /** Called before a clone of the golden is made (a stale-data warning); nothing by default. */
  void creatingFrom(Snapshot golden) {}

  /** Whether {@link #close()} leaves the clones and snapshots for a later manager to adopt. */
  boolean keepsOnClose() {
    return false;
  }

  /** Registers a snapshot an earlier manager left in the backend. */
  final void adoptSnapshot(Snapshot snapshot, String location) {
    if (snapshots.putIfAbsent(snapshot.name(), snapshot) == null) {
      locations.put(snapshot.name(), location);
    }
  }

  /** Returns a registered snapshot by name, or null. */
  final Snapshot snapshotNamed(String name) {
    return snapshots.get(name);
  }

  /** Returns the name of the snapshot at a backend location, or null. */
  final String snapshotAt(String location) {
    return locations.entrySet().stream().filter(e -> e.getValue().equals(location)).map(Map.Entry::getKey).findFirst().orElse(null);
  }

  /** Registers a clone an earlier manager left in the backend. */
  final void adoptClone(C clone) {
    clones.putIfAbsent(clone.name(), clone);
  }

  @Override
  public final Snapshot golden() {
    return golden;
  }

  @Override
  public final CloneStrategy strategy() {
    return strategy;
  }

  @Override
  public final Clone create() {
    return create("clone-" + counter.incrementAndGet() + "-" + UUID.randomUUID().toString().substring(0, 6));
  }

  @Override
  public final Clone create(String name) {
    goldenUse.readLock().lock();
    try {
      Snapshot g = golden;
      creatingFrom(g);
      return create(name, g);
    } finally {
      goldenUse.readLock().unlock();
    }
  }

  @Override
  public final Clone create(String name, Snapshot snapshot) {
    checkOpen();
    CloneNames.check(name, "clone");
    goldenUse.readLock().lock();
    try {
      return createLocked(name, snapshot);
    } finally {
      goldenUse.readLock().unlock();
    }
  }

  private Clone createLocked(String name, Snapshot snapshot) {
    String from = location(snapshot);
    C clone = newClone(name, snapshot);
    if (clones.putIfAbsent(name, clone) != null) {
      throw new CloneException(ErrorCode.ALREADY_EXISTS, name,
          "A clone named '" + name + "' already exists; choose another name or destroy it first.", null);
    }
    try {
      copyInto(clone, from);
      clone.reborn(snapshot);
      return clone;
    } catch (RuntimeException e) {
      clones.remove(name, clone);
      throw e;
    }
  }

  final void reset(ManagedClone handle, Snapshot to) {
    checkOpen();
    C clone = own(handle);
    Snapshot before;
    goldenUse.readLock().lock();
    try {
      String from = location(to);
      synchronized (clone.lock) {
        if (clone.destroyed.get()) {
          throw new CloneException(ErrorCode.NOT_FOUND, clone.name(),
              "Clone '" + clone.name() + "' was destroyed; create a new one.", null);
        }
        before = clone.snapshot();
        replace(clone, from);
        clone.reborn(to);
      }
    } finally {
      goldenUse.readLock().unlock();
    }
    dropIfRetiredAndUnused(before);
  }

  final void destroy(ManagedClone handle) {
    C clone = own(handle);
    synchronized (clone.lock) {
      if (!clone.destroyed.compareAndSet(false, true)) {
        return;
      }
      try {
        drop(clone);
      } catch (RuntimeException e) {
        clone.destroyed.set(false);
        throw e;
      }
      clones.remove(clone.name(), clone);
    }
    dropIfRetiredAndUnused(clone.snapshot());
  }

  /**
   * Makes {@code next} the golden that {@link #create(String)} copies. The former golden is retired:
   * clones of it keep working (and reset to it) until they are destroyed, then it is dropped.
   *
   * @param next the new golden
   * @param location where it lives in the backend
   * @return the former golden
   */
  final Snapshot switchGolden(Snapshot next, String location) {
    Snapshot old;
    goldenUse.writeLock().lock();
    try {
      old = golden;
      snapshots.put(next.name(), next);
      locations.put(next.name(), location);
      golden = next;
      retired.add(old.name());
    } finally {
      goldenUse.writeLock().unlock();
    }
    dropIfRetiredAndUnused(old);
    return old;
  }

  private void dropIfRetiredAndUnused(Snapshot s) {
    if (s == null || !retired.contains(s.name()) || closed.get()) {
      return;
    }
    goldenUse.writeLock().lock();
    try {
      String where = locations.get(s.name());
      boolean used = clones.values().stream().anyMatch(c -> c.snapshot().equals(s));
      if (used || where == null || !retired.remove(s.name())) {
        return;
      }
      try {
        dropSnapshot(where);
        snapshots.remove(s.name());
        locations.remove(s.name());
      } catch (RuntimeException e) {
        // still listed as a snapshot: close() or destroySnapshot() tries again
        LOG.log(Level.WARNING, "Cannot drop former golden " + s.name() + ": " + e.getMessage());
      }
    } finally {
      goldenUse.writeLock().unlock();
    }
  }

  @SuppressWarnings("unchecked")
  private C own(ManagedClone handle) {
    return (C) handle;
  }

  @Override
  public final void keep(Clone clone) {
    if (clone instanceof ManagedClone mc && clones.remove(mc.name(), mc)) {
      kept(own(mc));
      dropIfRetiredAndUnused(mc.snapshot());
    }
  }

  @Override
  public final List<Clone> list() {
    List<Clone> out = new ArrayList<>(clones.values());
    out.sort(Comparator.comparing(Clone::name));
    return out;
  }

  @Override
  public final Optional<Clone> get(String name) {
    return Optional.ofNullable(clones.get(name));
  }

  @Override
  public final Snapshot snapshot(String name, Clone source) {
    checkOpen();
    CloneNames.check(name, "snapshot");
    if (!(source instanceof ManagedClone mc) || clones.get(mc.name()) != mc) {
      throw new CloneException(ErrorCode.NOT_FOUND, source.name(),
          "Clone '" + source.name() + "' does not belong to this manager.", null);
    }
    C clone = own(mc);
    Snapshot snap = new Snapshot(name, java.time.Instant.now(), "snapshot of clone " + clone.name());
    if (snapshots.putIfAbsent(name, snap) != null) {
      throw new CloneException(ErrorCode.ALREADY_EXISTS, name, "A snapshot named '" + name + "' already exists.", null);
    }
    try {
      String where;
      synchronized (clone.lock) {
        where = freeze(name, clone);
      }
      locations.put(name, where);
      return snap;
    } catch (RuntimeException e) {
      snapshots.remove(name, snap);
      throw e;
    }
  }

  @Override
  public final List<Snapshot> snapshots() {
    List<Snapshot> out = new ArrayList<>(snapshots.values());
    out.sort(Comparator.comparing((Snapshot s) -> !s.equals(golden)).thenComparing(Snapshot::createdAt).thenComparing(Snapshot::name));
    return out;
  }

  @Override
  public final void destroySnapshot(Snapshot snapshot) {
    checkOpen();
    if (snapshot.equals(golden)) {
      throw new CloneException(ErrorCode.IN_USE, snapshot.name(),
          "The golden snapshot cannot be removed; close the manager instead.", null);
    }
    String where = location(snapshot);
    List<String> users = clones.values().stream().filter(c -> c.snapshot().equals(snapshot)).map(Clone::name).sorted().toList();
    if (!users.isEmpty()) {
      throw new CloneException(ErrorCode.IN_USE, snapshot.name(),
          "Snapshot '" + snapshot.name() + "' is used by clones " + users + "; destroy or reset them first.", null);
    }
    dropSnapshot(where);
    snapshots.remove(snapshot.name());
    locations.remove(snapshot.name());
    retired.remove(snapshot.name());
  }

  @Override
  public final void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    if (keepsOnClose()) {
      release();
      return;
    }
    try {
      closing();
      for (C c : List.copyOf(clones.values())) {
        try {
          c.destroyed.set(true);
          drop(c);
        } catch (RuntimeException e) {
          LOG.log(Level.WARNING, "Cannot destroy clone " + c.name() + ": " + e.getMessage());
        }
      }
      clones.clear();
      for (Map.Entry<String, String> s : locations.entrySet()) {
        if (!s.getKey().equals(golden.name())) {
          try {
            dropSnapshot(s.getValue());
          } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "Cannot remove snapshot " + s.getKey() + ": " + e.getMessage());
          }
        }
      }
    } finally {
      release();
    }
  }

  private String location(Snapshot s) {
    String where = locations.get(s.name());
    if (where == null || !s.equals(snapshots.get(s.name()))) {
      throw new CloneException(ErrorCode.NOT_FOUND, s.name(),
          "Snapshot '" + s.name() + "' does not belong to this manager (or was removed). Use one from snapshots().", null);
    }
    return where;
  }

  final void checkOpen() {
    if (closed.get()) {
      throw new LockplaneException(ErrorCode.CLOSED, "This clone manager is closed; start a new one.");
    }
  }
}
