package dev.lockplane.clones;

import java.time.Instant;
import java.util.Objects;

/**
 * A database a clone manager made on a server and whose owner is gone: the process was killed (or
 * crashed) before it could drop it. Found and removed through {@link Orphans}.
 *
 * @param database the database's name on the server
 * @param kind what it was to its manager
 * @param name the clone's or snapshot's name in its manager (the golden's name for an unfinished golden)
 * @param ownerPid the process that made it
 * @param ownerHost that process's host
 * @param manager the id of the manager that made it
 * @param created when it was made
 * @param reason why its owner is considered gone, for example {@code "process 4711 on ci-7 is gone"}
 */
public record Orphan(
    String database, Kind kind, String name, long ownerPid, String ownerHost, String manager, Instant created,
    String reason) {

  /** Validates the components. */
  public Orphan {
    Objects.requireNonNull(database, "database");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(created, "created");
  }

  /** What an orphaned database was to its manager. */
  public enum Kind {
    /** A clone, or a spare made by a prefetching manager. */
    CLONE,
    /** A snapshot (a template database). */
    SNAPSHOT,
    /** A golden whose preparation never finished. Prepared goldens are a cache, never orphans. */
    UNFINISHED_GOLDEN
  }
}
