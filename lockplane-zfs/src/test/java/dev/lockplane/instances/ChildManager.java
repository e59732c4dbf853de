package dev.lockplane.instances;

/**
 * Run in a separate JVM by the killed-manager test: opens a manager, creates two clones with a row
 * each, prints their pids, and waits to be killed with SIGKILL.
 */
public final class ChildManager {
  private ChildManager() {}

  /**
   * Entry point.
   *
   * @param args the storage spec and the first port
   * @throws Exception on failure
   */
  public static void main(String[] args) throws Exception {
    InstanceCloneManager m = Fixtures.manager(Fixtures.storage(args[0]), Integer.parseInt(args[1])).start();
    InstanceClone running = m.create("survivor-running");
    InstanceClone stopped = m.create("survivor-stopped");
    Fixtures.exec(running, "INSERT INTO items VALUES (1000, 'from the child')");
    Fixtures.exec(stopped, "INSERT INTO items VALUES (1000, 'from the child')");
    System.out.println("READY " + running.pid() + " " + stopped.pid());
    System.out.flush();
    Thread.sleep(600_000);
  }
}
