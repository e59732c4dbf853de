package dev.lockplane.instances;

import dev.lockplane.clone.Clone;
import dev.lockplane.storage.SpaceUsage;
import java.nio.file.Path;
import java.util.Optional;

/**
 * An instance-level clone: a copy-on-write copy of a data directory with its own PostgreSQL server,
 * port, role and password. The role is a superuser of that server, so tests may change roles,
 * settings and extensions without touching any other clone.
 *
 * <p>The handle is thread-safe and stays valid across {@link #reset()}; a new manager on the same
 * store finds the clone again after the JVM that made it went away.
 */
public interface InstanceClone extends Clone {

  /** Returns the clone's current state. A server found dead turns the state into {@link CloneState#FATAL}. */
  CloneState state();

  /** Returns why the clone is {@link CloneState#FATAL}, with an excerpt of its server log, or empty. */
  Optional<String> failure();

  /** Returns the TCP port of the clone's server (on 127.0.0.1). */
  int port();

  /** Returns the process id of the clone's postmaster, or -1 when it is not running. */
  long pid();

  /** Returns the clone's data directory. */
  Path dataDirectory();

  /** Returns the database that {@link #jdbcUrl()} connects to. */
  String database();

  /** Returns the total size of the clone's files, as a plain copy would take. */
  long logicalSize();

  /** Returns the space the clone takes on its store: its own blocks and what it refers to. */
  SpaceUsage diskUsage();

  /** Returns whether the clone is protected from automatic removal (idle removal, manager close). */
  boolean isProtected();

  /**
   * Protects the clone from automatic removal, or lifts the protection. The flag is kept in the
   * registry.
   *
   * @param protect whether to protect it
   */
  void protect(boolean protect);
}
