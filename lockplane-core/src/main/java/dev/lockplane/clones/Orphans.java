package dev.lockplane.clones;

import dev.lockplane.ErrorCode;
import dev.lockplane.LockplaneException;
import dev.lockplane.internal.clone.OrphanSweeper;
import dev.lockplane.internal.clone.ServerEndpoint;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The databases on one server that clone managers made and whose owning process is gone. Every
 * database a database-level manager creates — clones, spares, snapshots, goldens being prepared —
 * carries a record of its owner (process id, host, process start time, manager) as its comment. A
 * database is an orphan when its owner ran on this host and that process is no longer alive (or
 * the pid now belongs to a process started at another time). A process on another host cannot be
 * checked from here: its databases become orphans only after {@link #otherHostsAfter(Duration)}.
 * Clones kept with {@link dev.lockplane.clone.CloneManager#keep} and prepared goldens are never
 * orphans.
 *
 * <p>A new manager removes the orphans it finds on its server when it starts; this object is for
 * looking and removing by hand, for example from a command line. It holds no connection: every call
 * opens one and closes it.
 *
 * <pre>{@code
 * Orphans orphans = CloneManagers.orphans("jdbc:postgresql://db:5432/postgres", "cloner", password)
 *     .otherHostsAfter(Duration.ofDays(2));
 * for (Orphan o : orphans.list()) {
 *   System.out.println(o.database() + " " + o.kind() + ": " + o.reason());
 * }
 * List<Orphan> removed = orphans.removeAll();
 * }</pre>
 */
public final class Orphans {
  private final ServerEndpoint endpoint;
  private final Duration otherHosts;

  Orphans(ServerEndpoint endpoint, Duration otherHosts) {
    this.endpoint = endpoint;
    this.otherHosts = otherHosts;
  }

  /**
   * Also treats databases made on other hosts as orphans once their record is older than {@code age}
   * (by default they never are: whether a process elsewhere is alive cannot be checked from here).
   *
   * @param age a positive age, longer than any clone of another host lives
   * @return a new {@code Orphans} with that setting
   */
  public Orphans otherHostsAfter(Duration age) {
    Objects.requireNonNull(age, "age");
    if (age.isNegative() || age.isZero()) {
      throw new LockplaneException(ErrorCode.INVALID_CONFIGURATION, "otherHostsAfter must be positive, not " + age + ".");
    }
    return new Orphans(endpoint, age);
  }

  /**
   * Lists the orphans, sorted by database name.
   *
   * @return the orphans; empty when there are none
   * @throws LockplaneException with {@code DATABASE_ERROR} when the server cannot be reached
   */
  public List<Orphan> list() {
    return with(c -> OrphanSweeper.find(c, otherHosts));
  }

  /**
   * Removes one orphan, after checking again that it still is one (a database of the same name made
   * since by a live manager is left alone).
   *
   * @param orphan an orphan from {@link #list()}
   * @return whether it was dropped; false when it was gone already or is no longer an orphan
   * @throws LockplaneException with {@code DATABASE_ERROR} when the drop fails
   */
  public boolean remove(Orphan orphan) {
    Objects.requireNonNull(orphan, "orphan");
    return with(c -> OrphanSweeper.drop(c, orphan.database(), otherHosts));
  }

  /**
   * Removes every orphan.
   *
   * @return the orphans removed, sorted by database name
   * @throws LockplaneException with {@code DATABASE_ERROR} when the server cannot be reached or a
   *     drop fails
   */
  public List<Orphan> removeAll() {
    return with(c -> OrphanSweeper.dropAll(c, otherHosts, false));
  }

  private interface Work<T> {
    T run(Connection c) throws SQLException;
  }

  private <T> T with(Work<T> work) {
    String where = endpoint.redactedUrl(endpoint.maintenanceDatabase());
    try (Connection c = endpoint.dataSource(endpoint.maintenanceDatabase()).getConnection()) {
      c.setAutoCommit(true);
      return work.run(c);
    } catch (SQLException e) {
      throw OrphanSweeper.failure("Cannot look for orphaned clones on " + where, e, endpoint.password());
    }
  }

  @Override
  public String toString() {
    return "Orphans[" + endpoint.redactedUrl(endpoint.maintenanceDatabase())
        + (otherHosts == null ? "" : ", other hosts after " + otherHosts) + "]";
  }
}
