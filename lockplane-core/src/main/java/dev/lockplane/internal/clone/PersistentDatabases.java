package dev.lockplane.internal.clone;

import dev.lockplane.ErrorCode;
import dev.lockplane.LockplaneException;
import dev.lockplane.clone.Snapshot;
import java.lang.System.Logger.Level;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * What the persistent managers of one database prefix left on a server, found again from the owner
 * records of the databases: the prepared goldens, and the kept snapshots and clones. A database
 * counts only when its name is the one its record implies, so that the prefix {@code lp_} does not
 * adopt the databases of the prefix {@code lp_x_}.
 */
final class PersistentDatabases {
  private static final System.Logger LOG = System.getLogger(PersistentDatabases.class.getName());

  /**
   * A database of the prefix with its record.
   *
   * @param database the database
   * @param record its owner record
   */
  record Found(String database, OwnerRecord record) {}

  private PersistentDatabases() {}

  /** The databases of the prefix that hold a Lockplane record, by name. */
  static List<Found> find(Connection c, String prefix) throws SQLException {
    List<Found> out = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(
        "SELECT datname, shobj_description(oid, 'pg_database') FROM pg_database"
            + " WHERE left(datname, length(?)) = ? ORDER BY datname")) {
      ps.setString(1, prefix);
      ps.setString(2, prefix);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          String db = rs.getString(1);
          OwnerRecord.parse(rs.getString(2)).ifPresent(r -> out.add(new Found(db, r)));
        }
      }
    }
    return out;
  }

  private static boolean golden(Found f, String prefix) {
    OwnerRecord r = f.record();
    return OwnerRecord.GOLDEN.equals(r.kind()) && r.golden() != null && r.golden().length() >= 16
        && f.database().equals(prefix + "golden_" + r.golden().substring(0, 16));
  }

  private static boolean kept(Found f, String prefix, String kind, String infix) {
    OwnerRecord r = f.record();
    return kind.equals(r.kind()) && r.kept() && !r.name().isEmpty()
        && f.database().equals(prefix + infix + r.name().replace('-', '_'));
  }

  /** The newest prepared golden of the prefix, as a snapshot; NOT_FOUND when there is none. */
  static Snapshot newestGolden(List<Found> found, String prefix, String server) {
    Optional<Found> newest = found.stream().filter(f -> golden(f, prefix))
        .max(Comparator.comparing((Found f) -> f.record().created()).thenComparing(Found::database));
    if (newest.isEmpty()) {
      throw new LockplaneException(ErrorCode.NOT_FOUND, "No golden database with the prefix '" + prefix + "' on "
          + server + ": prepare one first by giving the manager a golden.");
    }
    return goldenSnapshot(newest.get());
  }

  private static Snapshot goldenSnapshot(Found f) {
    return new Snapshot(f.database(), f.record().created(), "golden database " + f.database(), f.record().dataStateAt());
  }

  /** Registers the other goldens, the kept snapshots and the kept clones of the prefix with the manager. */
  static void adopt(DatabaseCloneManager m, List<Found> found, String prefix) {
    for (Found f : found) {
      if (golden(f, prefix) && !f.database().equals(m.golden().name())) {
        m.adoptSnapshot(goldenSnapshot(f), f.database()); // clones of an earlier golden reset to it
      } else if (kept(f, prefix, OwnerRecord.SNAPSHOT, "snap_")) {
        OwnerRecord r = f.record();
        m.adoptSnapshot(new Snapshot(r.name(), r.created(), "snapshot of clone " + r.from()), f.database());
      }
    }
    for (Found f : found) {
      if (kept(f, prefix, OwnerRecord.CLONE, "")) {
        OwnerRecord r = f.record();
        Snapshot of = r.from() == null ? null : m.snapshotNamed(r.from());
        if (of == null) {
          LOG.log(Level.WARNING, "Clone " + r.name() + " was copied from snapshot " + r.from()
              + ", which is gone; a reset returns it to the golden " + m.golden().name() + ".");
          of = m.golden();
        }
        DatabaseClone clone = m.adopted(r.name(), of);
        clone.bornAt(r.created());
        m.adoptClone(clone);
      }
    }
  }
}
