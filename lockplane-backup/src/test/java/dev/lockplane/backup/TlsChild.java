package dev.lockplane.backup;

import java.nio.file.Path;

/**
 * A child JVM that backs up a server over TLS with the trust store its command line gives
 * ({@code -Djavax.net.ssl.trustStore}), so a test can check the URLs that trust the JVM's roots
 * without changing its own JVM's. The password comes from the environment ({@code BACKUP_PASSWORD}).
 */
public final class TlsChild {
  private TlsChild() {}

  /**
   * Takes one backup per URL and prints each one's databases.
   *
   * @param args repository directory, role, then the URLs
   */
  public static void main(String[] args) {
    BackupRepository repo = BackupRepository.at(Path.of(args[0])).unencrypted().open();
    for (int i = 2; i < args.length; i++) {
      Backup b = repo.backup().physical(args[i], args[1], System.getenv("BACKUP_PASSWORD")).run();
      System.out.println("BACKUP " + b.id() + " " + b.databases());
    }
  }
}
