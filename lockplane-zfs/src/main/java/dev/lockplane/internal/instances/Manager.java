package dev.lockplane.internal.instances;

import dev.lockplane.CloneException;
import dev.lockplane.ErrorCode;
import dev.lockplane.LockplaneException;
import dev.lockplane.clone.Clone;
import dev.lockplane.clone.CloneStrategy;
import dev.lockplane.clone.Snapshot;
import dev.lockplane.instances.CloneState;
import dev.lockplane.instances.InstanceClone;
import dev.lockplane.instances.InstanceCloneManager;
import dev.lockplane.internal.clone.CloneNames;
import dev.lockplane.internal.golden.PreparationReports;
import dev.lockplane.internal.postgres.ClusterCache;
import dev.lockplane.storage.CowStorage;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentSkipListMap;

/** The instance clone manager: registry, golden, snapshots and the lifecycle of clones. */
public final class Manager implements InstanceCloneManager {
  private static final System.Logger LOG = System.getLogger(Manager.class.getName());
  static final String GOLDEN = "golden";

  final ManagerConfig cfg;
  final CowStorage storage;
  final Registry registry;
  final StoreLock storeLock;
  final ServerStarter starter;
  final PortPool ports;
  final Map<String, Entry> clones = new ConcurrentSkipListMap<>();
  /** Snapshots by API name; guarded by {@code this}. */
  final Map<String, Registry.SnapshotRecord> snapshots = new LinkedHashMap<>();
  /** Volumes of gone clones that still hold snapshots; guarded by {@code this}. */
  final List<String> retired = new ArrayList<>();
  private volatile boolean closed;
  /** The standby the golden is snapshotted from, when the builder asked for one. */
  volatile StandbyGolden standbyGolden;
  private final IdleClones idleClones = new IdleClones(this);

  private Manager(ManagerConfig cfg, StoreLock lock) {
    this.cfg = cfg;
    this.storage = cfg.storage();
    this.storeLock = lock;
    this.registry = new Registry(storage.stateDirectory());
    this.ports = new PortPool(cfg.portFrom(), cfg.portTo());
    this.starter = new ServerStarter(cfg, lock.runtimeDirectory(), ports);
  }

  /** Opens the store and returns a running manager; see the builder. */
  public static Manager start(ManagerConfig cfg) {
    StoreLock lock = StoreLock.acquire(cfg.storage());
    Manager m = null;
    try {
      m = new Manager(cfg, lock);
      Recovery.load(m);
      GoldenBuilder.ensure(m);
      m.idleClones.start();
      return m;
    } catch (RuntimeException e) {
      if (m != null) {
        m.stopAllQuietly();
      }
      lock.release();
      throw e;
    }
  }

  // ---- registry -------------------------------------------------------------------------------

  synchronized void save() {
    List<Registry.CloneRecord> cs = new ArrayList<>();
    for (Entry e : clones.values()) {
      cs.add(e.record());
    }
    List<Registry.SnapshotRecord> ss = new ArrayList<>(snapshots.values());
    ss.sort(Comparator.comparing(Registry.SnapshotRecord::createdAt).thenComparing(Registry.SnapshotRecord::name));
    List<String> rv = new ArrayList<>(retired);
    rv.sort(null);
    registry.write(new Registry.Data(Registry.FORMAT, storage.id(), ss, cs, rv));
  }

  // ---- golden and snapshots -------------------------------------------------------------------

  synchronized Snapshot snapshotNamed(String name) {
    Registry.SnapshotRecord r = snapshots.get(name);
    if (r == null) {
      return new Snapshot(name, Instant.EPOCH, "(removed)");
    }
    return toSnapshot(r);
  }

  static Snapshot toSnapshot(Registry.SnapshotRecord r) {
    return new Snapshot(r.name(), Instant.parse(r.createdAt()), r.description(), r.dataState());
  }

  synchronized Registry.SnapshotRecord snapshotRecord(String name) {
    Registry.SnapshotRecord r = snapshots.get(name);
    if (r == null) {
      throw new CloneException(ErrorCode.NOT_FOUND, name, "There is no snapshot '" + name + "' in " + storage.id()
          + "; snapshots: " + snapshots.keySet() + ".", null);
    }
    return r;
  }

  @Override
  public Snapshot golden() {
    return snapshotNamed(GOLDEN);
  }

  @Override
  public synchronized java.util.Optional<dev.lockplane.golden.MaskingReport> maskingReport() {
    Registry.SnapshotRecord r = snapshots.get(GOLDEN);
    return r == null ? java.util.Optional.empty() : PreparationReports.maskingFromJson(r.masking());
  }

  @Override
  public synchronized java.util.Optional<dev.lockplane.golden.SubsetReport> subsetReport() {
    Registry.SnapshotRecord r = snapshots.get(GOLDEN);
    return r == null ? java.util.Optional.empty() : PreparationReports.subsetFromJson(r.subset());
  }

  @Override
  public CloneStrategy strategy() {
    return new CloneStrategy(storage.method(), storage.constantTime(), storage.describe());
  }

  @Override
  public CowStorage storage() {
    return storage;
  }

  @Override
  public synchronized List<Snapshot> snapshots() {
    List<Snapshot> out = new ArrayList<>();
    Registry.SnapshotRecord g = snapshots.get(GOLDEN);
    if (g != null) {
      out.add(toSnapshot(g));
    }
    snapshots.values().stream()
        .filter(r -> !r.name().equals(GOLDEN))
        .sorted(Comparator.comparing(Registry.SnapshotRecord::createdAt).thenComparing(Registry.SnapshotRecord::name))
        .forEach(r -> out.add(toSnapshot(r)));
    return out;
  }

  @Override
  public Snapshot snapshot(String name, Clone source) {
    checkOpen();
    CloneNames.check(name, "snapshot");
    Entry e = own(source);
    synchronized (this) {
      if (snapshots.containsKey(name)) {
        throw new CloneException(ErrorCode.ALREADY_EXISTS, name, "Snapshot '" + name + "' already exists.", null);
      }
      // reserve the name while the copy runs
      snapshots.put(name, new Registry.SnapshotRecord(name, e.volume, name, Instant.now().toString(), "(being taken)", false, null, null));
    }
    try {
      SnapshotTaker.take(this, e, name);
    } catch (RuntimeException ex) {
      synchronized (this) {
        snapshots.remove(name);
      }
      throw ex;
    }
    Registry.SnapshotRecord r = new Registry.SnapshotRecord(
        name, e.volume, name, Instant.now().toString(), "snapshot of clone " + e.name, false, null, null);
    synchronized (this) {
      snapshots.put(name, r);
    }
    save();
    pruneSnapshots();
    return toSnapshot(r);
  }

  @Override
  public Snapshot snapshotGolden() {
    checkOpen();
    StandbyGolden s = standbyGolden;
    if (s == null) {
      throw new LockplaneException(ErrorCode.UNSUPPORTED, "The golden of " + storage.id() + " is not a standby; only a"
          + " standby golden (InstanceClones.Builder.standby()) takes new golden snapshots.");
    }
    return s.snapshot();
  }

  @Override
  public Optional<dev.lockplane.instances.StandbyStatus> standby() {
    StandbyGolden s = standbyGolden;
    return s == null || closed ? Optional.empty() : Optional.of(s.status());
  }

  @Override
  public void destroySnapshot(Snapshot snapshot) {
    checkOpen();
    String name = snapshot.name();
    Registry.SnapshotRecord r;
    synchronized (this) {
      r = snapshotRecord(name);
      if (r.golden()) {
        throw new CloneException(ErrorCode.IN_USE, name, "The golden snapshot cannot be removed; it is what create() copies.", null);
      }
      List<String> users = clones.values().stream().filter(c -> name.equals(c.snapshotName)).map(c -> c.name).sorted().toList();
      if (!users.isEmpty()) {
        throw new CloneException(ErrorCode.IN_USE, name, "Snapshot '" + name + "' is used by clones " + users + "; destroy them first.", null);
      }
    }
    // the storage may still refuse: a volume kept for its own snapshots can depend on this one (ZFS)
    storage.destroySnapshot(r.volume(), r.storageSnapshot());
    synchronized (this) {
      snapshots.remove(name);
    }
    dropRetiredVolumes();
    save();
  }

  @Override
  public List<String> pruneSnapshots() {
    if (cfg.keepSnapshots() < 0) {
      return List.of();
    }
    List<Registry.SnapshotRecord> candidates;
    synchronized (this) {
      candidates = snapshots.values().stream()
          .filter(r -> !r.golden() && !r.description().equals("(being taken)"))
          .sorted(Comparator.comparing(Registry.SnapshotRecord::createdAt).reversed())
          .skip(cfg.keepSnapshots())
          .toList();
    }
    List<String> removed = new ArrayList<>();
    for (Registry.SnapshotRecord r : candidates) {
      boolean used = clones.values().stream().anyMatch(c -> r.name().equals(c.snapshotName));
      if (!used) {
        try {
          destroySnapshot(toSnapshot(r));
          removed.add(r.name());
        } catch (LockplaneException stillNeeded) {
          LOG.log(Level.DEBUG, "Snapshot " + r.name() + " kept: " + stillNeeded.getMessage());
        }
      }
    }
    return removed;
  }

  /** Destroys a clone's volume now, or keeps it as retired while snapshots of it exist. */
  void dropVolume(String volume) {
    if (volume == null || !storage.exists(volume)) {
      return;
    }
    if (!storage.snapshots(volume).isEmpty()) {
      synchronized (this) {
        if (!retired.contains(volume)) {
          retired.add(volume);
        }
      }
      return;
    }
    // not under the manager's monitor: destroying a dataset may wait, and other clones go on meanwhile
    storage.destroy(volume);
  }

  private synchronized void dropRetiredVolumes() {
    for (String v : List.copyOf(retired)) {
      if (!storage.exists(v)) {
        retired.remove(v);
      } else if (storage.snapshots(v).isEmpty()) {
        storage.destroy(v);
        retired.remove(v);
      }
    }
  }

  // ---- clones ---------------------------------------------------------------------------------

  @Override
  public InstanceClone create() {
    return create("c-" + UUID.randomUUID().toString().substring(0, 8));
  }

  @Override
  public InstanceClone create(String name) {
    return create(name, golden());
  }

  @Override
  public InstanceClone create(String name, Snapshot snapshot) {
    checkOpen();
    CloneNames.check(name, "clone");
    Entry e = new Entry(this, name, name.replace('-', '_'), ClusterCache.newPassword(), cfg.database());
    e.generation = 0;
    e.volume = volumeName(name, 0);
    e.createdAt = Instant.now();
    e.lastActive = e.createdAt;
    e.state = CloneState.CREATING;
    e.lock.lock();
    try {
      Registry.SnapshotRecord snap;
      // the snapshot is resolved and its new user registered at once: a standby golden moving on, or
      // the retention, cannot then rename or remove it under the copy
      synchronized (this) {
        snap = snapshotRecord(snapshot.name());
        e.snapshotName = snap.name();
        if (clones.putIfAbsent(name, e) != null) {
          throw new CloneException(ErrorCode.ALREADY_EXISTS, name, "A clone named '" + name + "' already exists; choose another name or destroy it.", null);
        }
      }
      try {
        e.port = ports.take(name);
        save();
        cfg.listener().progress(name, "cloning " + snap.volume() + "@" + snap.storageSnapshot());
        Path data = storage.clone(snap.volume(), snap.storageSnapshot(), e.volume).resolve("data");
        cfg.listener().progress(name, "starting its server");
        e.server = starter.start(e, data);
        e.port = e.server.port();
        starter.ensureRole(e);
        e.state = CloneState.OK;
        save();
        return e;
      } catch (RuntimeException ex) {
        cleanupFailedCreate(e);
        throw withSpace(asCloneException(name, ex, "Cannot create clone " + name), name);
      }
    } finally {
      e.lock.unlock();
    }
  }

  private void cleanupFailedCreate(Entry e) {
    try {
      if (e.server != null) {
        e.server.discardAndForget();
      }
      dropVolume(e.volume);
    } catch (RuntimeException suppressed) {
      LOG.log(Level.WARNING, "Cleanup of failed clone " + e.name + " failed: " + suppressed);
    }
    clones.remove(e.name);
    if (e.port > 0) {
      ports.release(e.port);
    }
    try {
      save();
    } catch (RuntimeException ignored) {
      // the create failure is what the caller needs
    }
  }

  static RuntimeException asCloneException(String name, RuntimeException ex, String what) {
    if (ex instanceof CloneException) {
      return ex;
    }
    if (ex instanceof LockplaneException le) {
      return new CloneException(le.code(), name, what + ": " + le.getMessage(), le);
    }
    return new CloneException(ErrorCode.IO_ERROR, name, what + ": " + ex, ex);
  }

  /** A full store: say which store and how much it has left, whatever layer noticed. */
  private RuntimeException withSpace(RuntimeException ex, String name) {
    if (!(ex instanceof LockplaneException le) || le.code() != ErrorCode.DISK_FULL) {
      return ex;
    }
    String left;
    try {
      left = storage.available() + " bytes available";
    } catch (RuntimeException unknown) {
      left = "available space unknown";
    }
    return new CloneException(
        ErrorCode.DISK_FULL, name,
        le.getMessage() + "\nStore " + storage.id() + " is full (" + left + "). Destroy clones or snapshots,"
            + " or give the store more space.",
        ex);
  }

  static String volumeName(String clone, int generation) {
    return "clone-" + clone + "-" + generation;
  }

  /**
   * Keeps a clone past {@link #close()}: for instance clones that is protection, kept in the
   * registry, so the next manager on the store finds it again.
   */
  @Override
  public void keep(Clone clone) {
    if (clone instanceof dev.lockplane.instances.InstanceClone ic) {
      ic.protect(true);
    }
  }

  @Override
  public List<Clone> list() {
    return List.copyOf(instances().stream().filter(c -> c.state() != CloneState.FATAL).toList());
  }

  @Override
  public List<InstanceClone> instances() {
    return List.copyOf(clones.values());
  }

  @Override
  public Optional<Clone> get(String name) {
    return instance(name).filter(c -> c.state() != CloneState.FATAL).map(c -> c);
  }

  @Override
  public Optional<InstanceClone> instance(String name) {
    return Optional.ofNullable(clones.get(name));
  }

  void reset(Entry e, Snapshot to) {
    checkOpen();
    e.lock.lock();
    try {
      if (isGone(e)) {
        throw new CloneException(ErrorCode.NOT_FOUND, e.name, "Clone " + e.name + " was destroyed; create a new one.", null);
      }
      resetLocked(e, snapshotRecord(to == null ? e.snapshotName : to.name()));
    } finally {
      e.lock.unlock();
    }
  }

  void resetLocked(Entry e, Registry.SnapshotRecord snap) {
    e.state = CloneState.RESETTING;
    save();
    try {
      cfg.listener().progress(e.name, "resetting to " + snap.name());
      if (e.server != null) {
        e.server.discardAndForget();
      }
      String old = e.volume;
      int gen = e.generation + 1;
      String fresh = volumeName(e.name, gen);
      storage.destroy(fresh); // a leftover of an interrupted reset
      Path data = storage.clone(snap.volume(), snap.storageSnapshot(), fresh).resolve("data");
      e.volume = fresh;
      e.generation = gen;
      e.snapshotName = snap.name();
      dropVolume(old);
      e.server = starter.start(e, data);
      e.port = e.server.port();
      starter.ensureRole(e);
      e.createdAt = Instant.now();
      e.lastActive = e.createdAt;
      e.state = CloneState.OK;
      e.failure = null;
      save();
    } catch (RuntimeException ex) {
      e.state = CloneState.FATAL;
      e.failure = "Reset failed: " + ex.getMessage();
      save();
      throw withSpace(asCloneException(e.name, ex, "Cannot reset clone " + e.name), e.name);
    }
  }

  void destroy(Entry e) {
    e.lock.lock();
    try {
      if (isGone(e)) {
        return;
      }
      e.state = CloneState.DELETING;
      save();
      cfg.listener().progress(e.name, "destroying");
      if (e.server != null) {
        e.server.discardAndForget();
      }
      dropVolume(e.volume);
      clones.remove(e.name, e);
      ports.release(e.port);
      save();
    } finally {
      e.lock.unlock();
    }
  }

  boolean isGone(Entry e) {
    return clones.get(e.name) != e;
  }

  void markFatal(Entry e, String why) {
    if (!e.lock.tryLock()) {
      return;
    }
    try {
      CloneServer s = e.server;
      if (e.state == CloneState.OK && (s == null || !s.isRunning())) {
        e.state = CloneState.FATAL;
        e.failure = why + ". Reset or destroy it.\n--- server log ---\n" + (s == null ? "(no server)" : s.logExcerpt());
        save();
      }
    } finally {
      e.lock.unlock();
    }
  }

  void protect(Entry e, boolean protect) {
    e.protect = protect;
    save();
  }

  Entry own(Clone c) {
    if (c instanceof Entry e && clones.get(e.name) == e) {
      return e;
    }
    throw new CloneException(ErrorCode.NOT_FOUND, c.name(), "Clone " + c.name() + " does not belong to this manager (or was destroyed).", null);
  }

  // ---- idle clones ----------------------------------------------------------------------------

  @Override
  public List<String> removeIdleClones() {
    return closed ? List.of() : idleClones.removeIdle();
  }

  // ---- lifecycle ------------------------------------------------------------------------------

  private void checkOpen() {
    if (closed) {
      throw new LockplaneException(ErrorCode.CLOSED, "This clone manager on " + storage.id() + " is closed.");
    }
  }

  private void stopAllQuietly() {
    for (Entry e : clones.values()) {
      try {
        if (e.server != null && !(e.server instanceof CloneServer.Adopted)) {
          e.server.stop();
        }
      } catch (RuntimeException ignored) {
        // best effort on a failed start
      }
    }
  }

  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
    }
    idleClones.stop();
    try {
      if (standbyGolden != null) {
        standbyGolden.close();
      }
      for (Entry e : List.copyOf(clones.values())) {
        try {
          if (cfg.keepClonesOnClose() || e.protect) {
            e.lock.lock();
            try {
              if (e.server != null) {
                e.server.stop();
              }
            } finally {
              e.lock.unlock();
            }
          } else {
            destroy(e);
          }
        } catch (RuntimeException ex) {
          LOG.log(Level.WARNING, "Closing clone " + e.name + " failed: " + ex);
        }
      }
      if (!cfg.keepClonesOnClose()) {
        List<Registry.SnapshotRecord> all;
        synchronized (this) {
          all = List.copyOf(snapshots.values());
        }
        for (Registry.SnapshotRecord r : all) {
          boolean used = clones.values().stream().anyMatch(c -> r.name().equals(c.snapshotName));
          if (!r.golden() && !used) {
            try {
              synchronized (this) {
                snapshots.remove(r.name());
              }
              storage.destroySnapshot(r.volume(), r.storageSnapshot());
            } catch (RuntimeException ex) {
              LOG.log(Level.WARNING, "Removing snapshot " + r.name() + " failed: " + ex);
            }
          }
        }
        dropRetiredVolumes();
      }
      save();
    } finally {
      storeLock.release();
    }
  }

  @Override
  public String toString() {
    return "InstanceCloneManager[" + storage.describe() + ", " + clones.size() + " clones]";
  }
}
