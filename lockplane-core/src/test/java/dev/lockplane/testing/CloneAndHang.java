package dev.lockplane.testing;

import dev.lockplane.clone.Clone;
import dev.lockplane.clone.CloneManager;
import dev.lockplane.clone.Golden;
import dev.lockplane.clone.Script;
import dev.lockplane.clones.CloneManagers;
import dev.lockplane.postgres.LocalPostgres;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A program that makes clones on a server through a JDBC URL — a named clone, a snapshot and a
 * prefetched spare — prints {@code READY <pid> <spare name>} and waits to be killed: the stand-in
 * for a JVM that dies without dropping its clones.
 */
public final class CloneAndHang {
  private CloneAndHang() {}

  /**
   * Runs this program in a child JVM on the server, waits until it has made its clones, and kills
   * it with SIGKILL (no shutdown hook, no close).
   *
   * @param pg the server
   * @param prefix the database prefix of the child's manager
   * @return the pid the child had
   * @throws Exception when the child fails before it is ready
   */
  public static long startAndKill(LocalPostgres pg, String prefix) throws Exception {
    String java = ProcessHandle.current().info().command().orElse("java");
    Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
        CloneAndHang.class.getName(), pg.jdbcUrl("postgres"), pg.user(), pg.password(), prefix)
        .redirectErrorStream(true)
        .start();
    try (BufferedReader r = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      StringBuilder output = new StringBuilder();
      while ((line = r.readLine()) != null && !line.startsWith("READY ")) {
        output.append(line).append('\n');
      }
      if (line == null) {
        throw new IllegalStateException("the child JVM ended before it was ready:\n" + output);
      }
      return Long.parseLong(line.split(" ")[1]);
    } finally {
      child.destroyForcibly();
      child.waitFor(30, TimeUnit.SECONDS);
    }
  }

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
    // Ready once the spare made after the handout carries its owner record too: a database is
    // recorded just after CREATE DATABASE, and one killed in between has no owner to be judged by.
    try (Connection c = DriverManager.getConnection(args[0], args[1], args[2]);
        PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM pg_database d WHERE d.datname LIKE ? || '%'"
            + " AND shobj_description(d.oid, 'pg_database') LIKE '%\"kind\":\"clone\"%'")) {
      ps.setString(1, args[3]);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (true) {
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          if (rs.getInt(1) >= 3) {
            break;
          }
          if (System.nanoTime() > deadline) {
            // the parent reads this and fails instead of waiting for ever
            System.out.println("only " + rs.getInt(1) + " of 3 clones recorded after 60 s");
            System.exit(1);
          }
        }
        Thread.sleep(20);
      }
    }
    System.out.println("READY " + ProcessHandle.current().pid());
    System.out.flush();
    Thread.sleep(Long.MAX_VALUE);
  }
}
