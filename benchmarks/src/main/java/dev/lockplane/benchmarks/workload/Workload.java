package dev.lockplane.benchmarks.workload;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The body of one benchmark test — insert, update, count: a few milliseconds of work, as real
 * unit-style database tests do — and the times the bodies ran, for the harness to subtract.
 */
public final class Workload {
  /** Start and end ({@link System#nanoTime()}) of every body run, in order. */
  public static final List<long[]> BODIES = new CopyOnWriteArrayList<>();

  private Workload() {}

  /**
   * Runs one test's work on a connection and records its time.
   *
   * @param c the test's connection
   * @throws SQLException on failure
   */
  public static void run(Connection c) throws SQLException {
    long t0 = System.nanoTime();
    try (PreparedStatement ins = c.prepareStatement("INSERT INTO accounts (owner, balance) VALUES (?, 0)")) {
      ins.setString(1, "new owner");
      ins.executeUpdate();
    }
    try (PreparedStatement upd = c.prepareStatement("UPDATE accounts SET balance = balance - 1 WHERE id <= 10")) {
      upd.executeUpdate();
    }
    try (PreparedStatement count = c.prepareStatement("SELECT count(*), sum(balance) FROM accounts");
        ResultSet rs = count.executeQuery()) {
      rs.next();
      // a pristine database every time: 1,000 accounts of 100, plus this test's one
      if (rs.getLong(1) != 1001 || rs.getLong(2) != 100_000 - 10) {
        throw new AssertionError("not a pristine database: " + rs.getLong(1) + " accounts, balance " + rs.getLong(2));
      }
    }
    BODIES.add(new long[] {t0, System.nanoTime()});
  }
}
