package dev.lockplane.testing;

import dev.lockplane.postgres.LocalPostgres;

/**
 * A program that starts a server, prints {@code READY <postmaster pid> <data dir>} and waits to be
 * killed: the stand-in for a JVM that dies without stopping its servers.
 */
public final class StartAndHang {
  private StartAndHang() {}

  /**
   * Entry point.
   *
   * @param args ignored
   * @throws Exception never expected
   */
  public static void main(String[] args) throws Exception {
    LocalPostgres pg = LocalPostgres.builder().start();
    System.out.println("READY " + pg.pid() + " " + pg.dataDirectory());
    System.out.flush();
    Thread.sleep(Long.MAX_VALUE);
  }
}
