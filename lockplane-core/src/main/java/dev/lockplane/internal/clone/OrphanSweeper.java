package dev.lockplane.internal.clone;

import dev.lockplane.ErrorCode;
import dev.lockplane.LockplaneException;
import dev.lockplane.clones.Orphan;
import dev.lockplane.internal.sql.Identifiers;
import java.lang.System.Logger.Level;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Finds and drops the databases whose {@link OwnerRecord} names a process that is gone.
 */
public final class OrphanSweeper {
  private static final System.Logger LOG = System.getLogger(OrphanSweeper.class.getName());
  private static final String RECORDS =
      "SELECT datname, shobj_description(oid, 'pg_database') FROM pg_database"
          + " WHERE shobj_description(oid, 'pg_database') LIKE '{%\"lockplane\"%'";

  private OrphanSweeper() {}

  /**
   * Lists the orphans on the server.
   *
   * @param c a connection to any database of the server
   * @param otherHosts after how long a record of another host counts as orphaned; null: never
   * @return the orphans, sorted by database name
   * @throws SQLException on failure
   */
  public static List<Orphan> find(Connection c, Duration otherHosts) throws SQLException {
    List<Orphan> out = new ArrayList<>();
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(RECORDS + " ORDER BY datname")) {
      while (rs.next()) {
        String db = rs.getString(1);
        OwnerRecord.parse(rs.getString(2)).flatMap(r -> orphan(db, r, otherHosts, Instant.now())).ifPresent(out::add);
      }
    }
    return out;
  }

  /**
   * Drops a database if it is (still) an orphan.
   *
   * @param c a connection to another database of the server, in auto-commit mode
   * @param database the database
   * @param otherHosts as for {@link #find}
   * @return whether it was dropped
   * @throws SQLException on failure
   */
  public static boolean drop(Connection c, String database, Duration otherHosts) throws SQLException {
    Optional<OwnerRecord> now;
    try (PreparedStatement ps = c.prepareStatement(
        "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = ?")) {
      ps.setString(1, database);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return false;
        }
        now = OwnerRecord.parse(rs.getString(1));
      }
    }
    if (now.flatMap(r -> orphan(database, r, otherHosts, Instant.now())).isEmpty()) {
      return false;
    }
    try (Statement s = c.createStatement()) {
      s.execute("ALTER DATABASE " + Identifiers.quote(database) + " WITH IS_TEMPLATE false");
      s.execute("DROP DATABASE IF EXISTS " + Identifiers.quote(database) + " WITH (FORCE)");
    }
    return true;
  }

  /**
   * Drops every orphan.
   *
   * @param c a connection to the server, in auto-commit mode
   * @param otherHosts as for {@link #find}
   * @param bestEffort log a failed drop and go on (a manager starting up), rather than throw
   * @return the orphans dropped
   * @throws SQLException on failure, unless best effort
   */
  public static List<Orphan> dropAll(Connection c, Duration otherHosts, boolean bestEffort) throws SQLException {
    List<Orphan> dropped = new ArrayList<>();
    for (Orphan o : find(c, otherHosts)) {
      try {
        if (drop(c, o.database(), otherHosts)) {
          dropped.add(o);
          LOG.log(Level.INFO, "Dropped orphaned {0} database {1}: {2}", o.kind(), o.database(), o.reason());
        }
      } catch (SQLException e) {
        if (!bestEffort) {
          throw e;
        }
        // another role's database, or one in use: leave it to its owner or to `Orphans`
        LOG.log(Level.WARNING, "Cannot drop orphaned database " + o.database() + " (" + o.reason() + "): "
            + Secrets.scrub(e.getMessage(), null));
      }
    }
    return dropped;
  }

  /** Decides whether a record's owner is gone; empty when it is (or may be) alive, or the database is no orphan. */
  static Optional<Orphan> orphan(String database, OwnerRecord r, Duration otherHosts, Instant now) {
    Orphan.Kind kind = switch (r.kind()) {
      case OwnerRecord.CLONE -> Orphan.Kind.CLONE;
      case OwnerRecord.SNAPSHOT -> Orphan.Kind.SNAPSHOT;
      case OwnerRecord.BUILDING -> Orphan.Kind.UNFINISHED_GOLDEN;
      default -> null; // prepared goldens are a cache; unknown kinds are not ours to judge
    };
    if (kind == null || r.kept()) {
      return Optional.empty();
    }
    String reason;
    if (r.sameHost()) {
      Optional<ProcessHandle> p = ProcessHandle.of(r.pid()).filter(ProcessHandle::isAlive);
      if (p.isEmpty()) {
        reason = "process " + r.pid() + " on " + r.host() + " is gone";
      } else {
        Optional<String> start = p.get().info().startInstant().map(Object::toString);
        if (start.isEmpty() || start.get().equals(r.started())) {
          return Optional.empty();
        }
        // the pid was reused by an unrelated process
        reason = "process " + r.pid() + " on " + r.host() + " started at " + r.started() + " is gone (the pid now belongs"
            + " to a process started at " + start.get() + ")";
      }
    } else if (otherHosts != null && r.created().plus(otherHosts).isBefore(now)) {
      reason = "made on host " + r.host() + " more than " + otherHosts + " ago";
    } else {
      return Optional.empty();
    }
    return Optional.of(new Orphan(database, kind, r.name(), r.pid(), r.host(), r.manager(), r.created(), reason));
  }

  /**
   * An exception for a failed orphan search or drop, its messages free of secrets.
   *
   * @param what what failed, for the message
   * @param e the failure
   * @param password the password to keep out of the message
   * @return the exception to throw
   */
  public static LockplaneException failure(String what, SQLException e, String password) {
    return new LockplaneException(ErrorCode.DATABASE_ERROR,
        what + ": " + Secrets.scrub(e.getMessage(), password) + ".", Secrets.cause(e, password));
  }
}
