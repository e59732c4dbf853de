package dev.lockplane.planner;

import dev.lockplane.plan.Plan;
import dev.lockplane.plan.Step;
import dev.lockplane.schema.Dialect;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;

/**
 * A JVM that starts an apply whose only step sleeps, to be killed mid-apply by {@link
 * ApplyInterruptionTest}. Arguments: JDBC URL, user, password.
 */
public final class ApplyChild {
  private ApplyChild() {}

  /**
   * Applies a sleeping plan.
   *
   * @param args JDBC URL, user, password
   * @throws Exception on failure
   */
  public static void main(String[] args) throws Exception {
    Planner planner = Lockplane.planner().build();
    try (Connection c = DriverManager.getConnection(args[0], args[1], args[2])) {
      try (Statement s = c.createStatement()) {
        // The server notices the dead client within this interval, even while the step sleeps.
        s.execute("SET client_connection_check_interval = 100");
      }
      String hash = Planner.hash(planner.introspect(c));
      Plan sleeping = new Plan(Dialect.POSTGRESQL, hash, hash, List.of(new Step("custom", "Sleep for two minutes",
          List.of("SELECT pg_sleep(120)"), List.of(), true, false, true, null)), List.of(), null);
      System.out.println("applying");
      planner.apply(sleeping, c);
    }
  }
}
