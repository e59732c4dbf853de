package dev.lockplane.internal.clone;

import dev.lockplane.clone.Clone;
import dev.lockplane.clone.Snapshot;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The state every clone handle has — name, snapshot, age, destroyed flag — with reset and destroy
 * delegated to the manager that owns it.
 */
abstract class ManagedClone implements Clone {
  private final ManagedCloneManager<?> manager;
  private final String name;
  private volatile Snapshot snapshot;
  private volatile Instant createdAt;
  final AtomicBoolean destroyed = new AtomicBoolean();
  /** Serializes reset and destroy of this one clone. */
  final Object lock = new Object();

  ManagedClone(ManagedCloneManager<?> manager, String name, Snapshot snapshot) {
    this.manager = manager;
    this.name = name;
    this.snapshot = snapshot;
    this.createdAt = Instant.now();
  }

  /** Sets when an adopted clone was made (the record's time, not the adoption's). */
  void bornAt(Instant at) {
    createdAt = at;
  }

  void reborn(Snapshot s) {
    snapshot = s;
    createdAt = Instant.now();
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public Snapshot snapshot() {
    return snapshot;
  }

  @Override
  public Instant createdAt() {
    return createdAt;
  }

  @Override
  public void reset() {
    manager.reset(this, snapshot);
  }

  @Override
  public void reset(Snapshot other) {
    manager.reset(this, other);
  }

  @Override
  public void destroy() {
    manager.destroy(this);
  }

  @Override
  public boolean isDestroyed() {
    return destroyed.get();
  }
}
