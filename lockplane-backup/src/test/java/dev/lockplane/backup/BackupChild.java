package dev.lockplane.backup;

import java.nio.file.Path;

/**
 * A child JVM that takes a slow SQLite backup, so that a test can kill it with SIGKILL mid-way.
 * The progress listener slows the copy down and announces when data is being written.
 */
public final class BackupChild {
  private BackupChild() {}

  /**
   * Runs the backup.
   *
   * @param args repository directory, SQLite file, keyset file
   */
  public static void main(String[] args) {
    BackupRepository repo = BackupRepository.at(Path.of(args[0])).encryptWith(Keyset.fromFile(Path.of(args[2])))
        .partSize(64 * 1024).parallelism(1).open();
    repo.backup().sqlite(Path.of(args[1])).progress(p -> {
      if (p.phase() == Progress.Phase.COPYING && p.bytesDone() > 0) {
        System.out.println("COPYING " + p.bytesDone());
        System.out.flush();
        try {
          // holds the writer thread mid-copy, long enough for the test to kill this JVM
          Thread.sleep(30_000);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }).run();
    System.out.println("DONE");
  }
}
