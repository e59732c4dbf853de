package dev.lockplane.backup;

import java.time.Duration;
import java.util.List;

/**
 * The outcome of a verification.
 *
 * @param backupId the backup
 * @param depth how deeply it was checked
 * @param problems what is wrong, each naming the object at fault; empty when the backup is sound
 * @param objectsChecked how many objects were read
 * @param bytesChecked how many stored bytes were read
 * @param plaintextChecked whether plaintext digests were checked (the repository had the keyset)
 * @param elapsed how long it took
 */
public record VerifyReport(String backupId, VerifyDepth depth, List<Problem> problems, int objectsChecked,
    long bytesChecked, boolean plaintextChecked, Duration elapsed) {

  /** Copies the problems. */
  public VerifyReport {
    problems = List.copyOf(problems);
  }

  /**
   * One thing wrong with a backup.
   *
   * @param object the object key (or {@code manifest.json}, or a table for drills)
   * @param message what is wrong
   */
  public record Problem(String object, String message) {}

  /** Returns whether the backup passed. */
  public boolean ok() {
    return problems.isEmpty();
  }
}
