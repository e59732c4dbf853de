package dev.lockplane.internal.instances;

import dev.lockplane.ErrorCode;
import dev.lockplane.LockplaneException;
import dev.lockplane.clone.Golden;
import dev.lockplane.internal.golden.PreparationReports;
import dev.lockplane.postgres.LocalPostgres;
import dev.lockplane.storage.CowStorage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;

/**
 * Builds the golden data directory in a fresh volume: a new cluster from {@code LocalPostgres}, the
 * scripts run in the target database, a clean shutdown (so the files are consistent), then a storage
 * snapshot named {@value #SNAPSHOT}.
 */
final class GoldenBuilder {
  static final String SNAPSHOT = "base";

  private GoldenBuilder() {}

  /** The volume name of a golden: it changes when anything that shapes the golden's files changes. */
  static String volumeFor(ManagerConfig cfg) {
    StringBuilder k = new StringBuilder(cfg.goldenKey()).append('\n').append(cfg.version()).append('\n').append(cfg.database());
    cfg.settings().entrySet().stream().sorted(Map.Entry.comparingByKey())
        .forEach(e -> k.append('\n').append(e.getKey()).append('=').append(e.getValue()));
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(k.toString().getBytes(StandardCharsets.UTF_8));
      return "golden-" + HexFormat.of().formatHex(d, 0, 6);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Reuses the store's golden for this configuration, or builds it (retiring an earlier one). */
  static void ensure(Manager m) {
    if (m.cfg.golden() == null && m.cfg.physicalSource() == null) {
      StoreGolden.require(m);
      return;
    }
    if (m.cfg.standby()) {
      m.standbyGolden = StandbyGolden.open(m);
      return;
    }
    String volume = GoldenBuilder.volumeFor(m.cfg);
    Registry.SnapshotRecord current;
    synchronized (m) {
      current = m.snapshots.get(Manager.GOLDEN);
    }
    if (current != null && current.volume().equals(volume)
        && m.storage.exists(volume) && m.storage.snapshots(volume).contains(SNAPSHOT)) {
      m.cfg.listener().progress("golden", "reusing " + volume + " (" + m.cfg.goldenDescription() + ")");
      return;
    }
    if (current != null) {
      retireGolden(m, current);
    }
    PreparationReports reports = new PreparationReports();
    Instant dataStateAt = GoldenBuilder.build(m.cfg, m.storeLock.runtimeDirectory(), volume, reports);
    synchronized (m) {
      m.snapshots.put(Manager.GOLDEN, new Registry.SnapshotRecord(
          Manager.GOLDEN, volume, SNAPSHOT, Instant.now().toString(), m.cfg.goldenDescription(), true,
          m.cfg.physicalSource() == null ? m.cfg.golden().contentHash() : null, dataStateAt.toString(),
          reports.maskingJson(), reports.subsetJson()));
    }
    m.save();
  }

  /** An earlier golden stays as an ordinary snapshot while clones use it, else it goes. */
  private static void retireGolden(Manager m, Registry.SnapshotRecord old) {
    boolean used = m.clones.values().stream().anyMatch(e -> Manager.GOLDEN.equals(e.snapshotName));
    synchronized (m) {
      m.snapshots.remove(Manager.GOLDEN);
      if (used) {
        String renamed = old.volume();
        m.snapshots.put(renamed, new Registry.SnapshotRecord(
            renamed, old.volume(), old.storageSnapshot(), old.createdAt(), old.description(), false, old.goldenHash(), old.dataStateAt(),
            old.masking(), old.subset()));
        for (Entry e : m.clones.values()) {
          if (Manager.GOLDEN.equals(e.snapshotName)) {
            e.snapshotName = renamed;
          }
        }
        // the volume goes with the last snapshot of it
        m.retired.add(old.volume());
      }
    }
    if (!used) {
      m.dropVolume(old.volume());
    }
    m.save();
  }

  /**
   * Builds the golden volume and its snapshot.
   *
   * @param reports receives the reports of a prepared (subset, masked) golden
   * @return the time the golden's data is from
   */
  static Instant build(ManagerConfig cfg, Path runtimeDir, String volume, PreparationReports reports) {
    Golden.Prepared prepared = cfg.golden() instanceof Golden.Prepared p ? p : null;
    Golden source = prepared != null ? prepared.source() : cfg.golden();
    boolean physical = GoldenLoader.physical(source);
    boolean masked = prepared != null && prepared.masking() != null;
    CowStorage storage = cfg.storage();
    if (storage.exists(volume)) {
      // left by a build that did not finish: its content is unknown
      storage.destroy(volume);
    }
    Path data = storage.create(volume).resolve("data");
    try {
      Instant dataStateAt = null;
      boolean foreign = false;
      if (cfg.physicalSource() != null) {
        cfg.listener().progress("golden", "copying " + cfg.physicalSource() + " in backup mode");
        PhysicalCopy.copy(cfg.physicalSource(), data);
      } else if (physical) {
        dataStateAt = GoldenLoader.loadDirectory(cfg, source, data);
        foreign = ClusterAdoption.prepare(data);
      } else {
        cfg.listener().progress("golden", "initializing cluster in " + data);
      }
      LocalPostgres.Builder b = LocalPostgres.builder()
          .version(cfg.version())
          .dataDirectory(data)
          .runtimeDirectory(runtimeDir)
          .durable(false)
          .startTimeout(cfg.startTimeout());
      cfg.settings().forEach(b::setting);
      try (LocalPostgres pg = b.start()) {
        if (cfg.physicalSource() != null || physical) {
          cfg.listener().progress("golden", "the copy recovered to a consistent state");
          if (masked) {
            PhysicalMasking.apply(cfg, pg, prepared.masking(), reports);
          }
        } else {
          if (!cfg.database().equals("postgres")) {
            try (Connection c = pg.connect("postgres"); Statement s = c.createStatement()) {
              s.execute("CREATE DATABASE \"" + cfg.database() + "\"");
            }
          }
          dataStateAt = GoldenLoader.loadDatabase(cfg, pg, reports);
          if (masked) {
            MaskedWal.switchSegment(pg);
          }
        }
        cfg.listener().progress("golden", "stopping the golden server for a consistent snapshot");
        pg.close();
        dev.lockplane.internal.fs.FileTrees.deleteQuietly(pg.serverLog().getParent());
      }
      if (masked) {
        int removed = MaskedWal.scrub(data);
        cfg.listener().progress("golden", "removed " + removed + " WAL segment(s) written before masking");
      }
      if (foreign) {
        ClusterAdoption.finish(data);
      }
      Files.deleteIfExists(data.resolve("postmaster.pid"));
      storage.snapshot(volume, SNAPSHOT);
      cfg.listener().progress("golden", "snapshot " + volume + "@" + SNAPSHOT + " taken");
      return dataStateAt == null ? Instant.now() : dataStateAt;
    } catch (SQLException e) {
      destroyQuietly(storage, volume);
      throw new LockplaneException(ErrorCode.DATABASE_ERROR, "Cannot prepare the golden database " + cfg.database() + ": " + e.getMessage(), e);
    } catch (java.io.IOException e) {
      destroyQuietly(storage, volume);
      throw new LockplaneException(ErrorCode.IO_ERROR, "Cannot prepare the golden data directory " + data + ": " + e, e);
    } catch (RuntimeException e) {
      destroyQuietly(storage, volume);
      throw e;
    }
  }

  private static void destroyQuietly(CowStorage storage, String volume) {
    try {
      storage.destroy(volume);
    } catch (RuntimeException ignored) {
      // the failure being reported matters more
    }
  }
}
