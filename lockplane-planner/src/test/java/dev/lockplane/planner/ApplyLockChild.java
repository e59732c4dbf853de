package dev.lockplane.planner;

import dev.lockplane.LockplaneException;
import dev.lockplane.plan.ApplyResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * A second JVM for {@link ApplyLockTest}: applies a plan file with its own planner, through a
 * DataSource (so the apply lock sits on a session of its own). Arguments: JDBC URL, user, password,
 * plan file. Prints {@code applied ID} (exit 0) or {@code refused CODE: message} (exit 3).
 */
public final class ApplyLockChild {
  private ApplyLockChild() {}

  /**
   * Applies the plan.
   *
   * @param args JDBC URL, user, password, plan file
   * @throws Exception on failure
   */
  public static void main(String[] args) throws Exception {
    PGSimpleDataSource ds = new PGSimpleDataSource();
    ds.setURL(args[0]);
    ds.setUser(args[1]);
    ds.setPassword(args[2]);
    Planner planner = Lockplane.planner().applyLockWait(Duration.ofMinutes(2)).build();
    try {
      ApplyResult r = planner.apply(Planner.planFromJson(Files.readString(Path.of(args[3])), args[3]), ds);
      System.out.println("applied " + r.historyId());
    } catch (LockplaneException e) {
      System.out.println("refused " + e.code() + ": " + e.getMessage());
      System.exit(3);
    }
  }
}
