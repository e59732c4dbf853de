package dev.lockplane.instances;

import java.time.Duration;
import java.time.Instant;

/**
 * The state of a standby golden: a streaming replica of the source server that an instance clone
 * manager snapshots on a schedule (see {@link InstanceClones.Builder#standby()}).
 *
 * @param source the source server, {@code host:port}
 * @param streaming whether the standby is connected to the source and receiving changes
 * @param receivedLsn the last WAL position received from the source, or {@code null} before any
 * @param replayedLsn the last WAL position applied, or {@code null} before any
 * @param dataStateAt the time the standby's data is from: now when it streams and has applied
 *     everything received, else the commit time of the last transaction it applied
 * @param checkedAt when this status was read
 * @param problem why the standby cannot follow the source (for example its replication slot was
 *     removed), or {@code null} when it is healthy
 */
public record StandbyStatus(
    String source, boolean streaming, String receivedLsn, String replayedLsn, Instant dataStateAt, Instant checkedAt,
    String problem) {

  /**
   * Returns how far the standby's data is behind the source at the time of the check.
   *
   * @return the replication lag, never negative
   */
  public Duration lag() {
    Duration d = Duration.between(dataStateAt, checkedAt);
    return d.isNegative() ? Duration.ZERO : d;
  }

  /**
   * Returns whether the standby can follow the source.
   *
   * @return {@code true} when {@link #problem()} is {@code null}
   */
  public boolean healthy() {
    return problem == null;
  }
}
