package dev.lockplane.internal.clone;

import dev.lockplane.CloneException;
import dev.lockplane.ErrorCode;
import dev.lockplane.clone.Clone;
import dev.lockplane.clone.Snapshot;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.sql.DataSource;

/** A clone handed out by {@link PrefetchingCloneManager#create()}: destroying it returns at once, the drop runs in the background. */
final class Handout implements Clone {
  private final PrefetchingCloneManager pool;
  final Clone inner;
  /** The spare it came from, with its connection opened in advance; null if made on demand. */
  final Spare spare;
  private final AtomicBoolean destroyed = new AtomicBoolean();

  Handout(PrefetchingCloneManager pool, Clone inner, Spare spare) {
    this.pool = pool;
    this.inner = inner;
    this.spare = spare;
  }

  @Override
  public String name() {
    return inner.name();
  }

  @Override
  public Snapshot snapshot() {
    return inner.snapshot();
  }

  @Override
  public String jdbcUrl() {
    return inner.jdbcUrl();
  }

  @Override
  public String user() {
    return inner.user();
  }

  @Override
  public String password() {
    return inner.password();
  }

  @Override
  public DataSource dataSource() {
    return new WarmDataSource(inner.dataSource(), spare == null ? () -> null : spare::take, pool.timer());
  }

  @Override
  public Instant createdAt() {
    return inner.createdAt();
  }

  @Override
  public void reset() {
    reset(inner.snapshot());
  }

  @Override
  public void reset(Snapshot snapshot) {
    if (destroyed.get()) {
      throw new CloneException(ErrorCode.NOT_FOUND, name(), "Clone '" + name() + "' was destroyed; create a new one.", null);
    }
    if (spare != null) {
      spare.discardConnection(); // a reset ends the clone's sessions (and replaces a SQLite file)
    }
    inner.reset(snapshot);
    if (pool.recycler() != null) {
      pool.recycler().forget(name()); // a new copy of the golden: what was recorded of the former one is void
    }
  }

  @Override
  public void destroy() {
    if (!destroyed.compareAndSet(false, true)) {
      return;
    }
    if (spare != null) {
      spare.discardConnection();
    }
    if (pool.isClosed()) {
      inner.destroy();
    } else {
      pool.destroyLater(this);
    }
  }

  @Override
  public boolean isDestroyed() {
    return destroyed.get() || inner.isDestroyed();
  }

  @Override
  public String toString() {
    return inner.toString();
  }
}
