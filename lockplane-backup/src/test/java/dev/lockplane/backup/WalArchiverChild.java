package dev.lockplane.backup;

import java.nio.file.Path;

/**
 * A child JVM that archives a server's WAL and prints its status every 20 ms, so that a test can
 * kill it with SIGKILL while a segment is partly received.
 */
public final class WalArchiverChild {
  private WalArchiverChild() {}

  /**
   * Runs the archiver until killed.
   *
   * @param args repository directory, server URL, role, slot; the password is in WAL_CHILD_PASSWORD
   * @throws InterruptedException never in practice: the JVM is killed
   */
  public static void main(String[] args) throws InterruptedException {
    BackupRepository repo = BackupRepository.at(Path.of(args[0])).unencrypted().open();
    WalArchiver archiver = repo.walArchiver().source(args[1], args[2], System.getenv("WAL_CHILD_PASSWORD"))
        .slot(args[3]).start();
    while (true) {
      WalArchiveStatus s = archiver.status();
      System.out.println("STATUS " + s.state() + " " + s.archivedThrough() + " " + s.receivedThrough());
      System.out.flush();
      Thread.sleep(20);
    }
  }
}
