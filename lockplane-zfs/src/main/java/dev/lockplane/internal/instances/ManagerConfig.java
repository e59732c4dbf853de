package dev.lockplane.internal.instances;

import dev.lockplane.clone.Golden;
import dev.lockplane.instances.ProgressListener;
import dev.lockplane.postgres.LocalPostgres;
import dev.lockplane.storage.CowStorage;
import java.time.Duration;
import java.util.Map;

/**
 * The settings of an instance clone manager, as given to its builder.
 *
 * @param storage the store
 * @param golden what the golden is made of; null (without a physical source) to use the store's golden as it is
 * @param version the PostgreSQL major version
 * @param portFrom the lowest clone port
 * @param portTo the highest clone port
 * @param settings server settings for golden and clones
 * @param database the database scripts run in and clones connect to
 * @param idleTimeout idle time after which a clone is removed, or {@code null}
 * @param keepSnapshots how many non-golden snapshots to keep, or -1 for all
 * @param keepClonesOnClose whether close keeps every clone
 * @param listener the progress listener
 * @param startTimeout how long a server may take to start
 * @param physicalSource a running cluster to copy as the golden instead of running scripts, or null
 * @param standby whether the golden is kept a streaming standby of its physical server source
 * @param standbySlot the physical replication slot the standby streams from, or null for none
 * @param snapshotEvery how often a standby golden is snapshotted, or null for on demand only
 */
public record ManagerConfig(
    CowStorage storage,
    Golden golden,
    int version,
    int portFrom,
    int portTo,
    Map<String, String> settings,
    String database,
    Duration idleTimeout,
    int keepSnapshots,
    boolean keepClonesOnClose,
    ProgressListener listener,
    Duration startTimeout,
    LocalPostgres physicalSource,
    boolean standby,
    String standbySlot,
    Duration snapshotEvery) {

  /** Describes the golden, for snapshots and logs. */
  String goldenDescription() {
    return physicalSource != null ? "physical copy of " + physicalSource : golden.describe();
  }

  /** Identifies the golden's content; a physical copy is new at every start. */
  String goldenKey() {
    return physicalSource != null
        ? "physical\n" + physicalSource.dataDirectory() + "\n" + java.time.Instant.now() + "\n" + System.nanoTime()
        : golden.contentHash();
  }
}
