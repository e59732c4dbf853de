package dev.lockplane.clone;

import java.time.Instant;

/**
 * A place that makes goldens of its backups: {@code BackupRepository} in {@code lockplane-backup}.
 * It lets {@link Golden#fromBackup(BackupGoldens, String)} and its siblings name a backup golden
 * from this module, which cannot see the backup module.
 *
 * <pre>{@code
 * try (BackupRepository repo = BackupRepository.at(Path.of("/backups")).open();
 *      CloneManager clones = InstanceClones.on(storage)
 *          .golden(Golden.latestBackup(repo)).start()) {
 *   Clone c = clones.create("incident-review");
 * }
 * }</pre>
 */
public interface BackupGoldens {

  /**
   * Returns a golden made of one backup.
   *
   * @param backupId the backup's id
   * @return the golden
   * @throws dev.lockplane.LockplaneException if there is no such backup, or it cannot become a golden
   */
  Golden golden(String backupId);

  /**
   * Returns a golden made of the newest backup that can become one, chosen now.
   *
   * @return the golden
   * @throws dev.lockplane.LockplaneException if there is no such backup
   */
  Golden latestGolden();

  /**
   * Returns a golden made of the newest backup that finished at or before a time, chosen now.
   *
   * @param time the latest stop time accepted
   * @return the golden
   * @throws dev.lockplane.LockplaneException if there is no such backup
   */
  Golden goldenBefore(Instant time);
}
