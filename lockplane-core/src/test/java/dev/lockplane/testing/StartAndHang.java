package dev.lockplane.testing;

import dev.lockplane.postgres.LocalPostgres;

/**
 * A program that starts a server, makes a memory directory for it, prints {@code READY <postmaster
 * pid> <data dir> <memory dir, or ->} and waits to be killed: the stand-in for a JVM that dies
 * without stopping its servers.
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
    String memory = pg.memoryDirectory("hang").map(Object::toString).orElse("-");
    System.out.println("READY " + pg.pid() + " " + pg.dataDirectory() + " " + memory);
    System.out.flush();
    Thread.sleep(Long.MAX_VALUE);
  }
}
