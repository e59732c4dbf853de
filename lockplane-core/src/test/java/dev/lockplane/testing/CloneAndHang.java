package dev.lockplane.testing;

import dev.lockplane.clone.Clone;
import dev.lockplane.clone.CloneManager;
import dev.lockplane.clone.Golden;
import dev.lockplane.clone.Script;
import dev.lockplane.clones.CloneManagers;
import java.util.List;

/**
 * A program that makes clones on a server through a JDBC URL — a named clone, a snapshot and a
 * prefetched spare — prints {@code READY <pid> <spare name>} and waits to be killed: the stand-in
 * for a JVM that dies without dropping its clones.
 */
public final class CloneAndHang {
  private CloneAndHang() {}

  /**
   * Entry point.
   *
   * @param args JDBC URL, user, password, database prefix
   * @throws Exception never expected
   */
  public static void main(String[] args) throws Exception {
    CloneManager manager = CloneManagers.databases(args[0], args[1], args[2])
        .golden(Golden.fromScripts(List.of(Script.of("t.sql", "CREATE TABLE t (id int); INSERT INTO t VALUES (1);"))))
        .databasePrefix(args[3])
        .start();
    CloneManager clones = CloneManagers.prefetching(manager, 1);
    Clone named = clones.create("left-behind");
    clones.snapshot("frozen", named);
    clones.create(); // takes the first spare: the manager makes another in the background
    while (manager.list().size() < 3) {
      Thread.sleep(20);
    }
    System.out.println("READY " + ProcessHandle.current().pid());
    System.out.flush();
    Thread.sleep(Long.MAX_VALUE);
  }
}
