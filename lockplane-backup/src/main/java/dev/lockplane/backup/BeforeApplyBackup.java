package dev.lockplane.backup;

import dev.lockplane.ErrorCode;
import dev.lockplane.LockplaneException;
import dev.lockplane.plan.ApplyBackup;
import dev.lockplane.postgres.LocalPostgres;
import dev.lockplane.schema.Dialect;
import java.nio.file.Path;
import java.util.Objects;

/**
 * The backup a planner takes before applying a plan ({@code Planner.Builder.backupFirst}), into a
 * repository; made by {@link BackupRepository#beforeApply()}. Each backup is tagged {@code pre-apply}
 * and records the target's schema hash and last migration ({@link BackupSchemaState}).
 *
 * <ul>
 *   <li>SQLite: a backup of the database file.
 *   <li>PostgreSQL on a {@link #localServer(LocalPostgres) local server}: a logical backup ({@code
 *       pg_dump}) of the target database.
 *   <li>PostgreSQL anywhere else: a physical backup over the replication protocol of the target's
 *       server, as the role given by {@link #credentials(String, String)} (which needs {@code
 *       REPLICATION}).
 * </ul>
 *
 * <pre>{@code
 * Planner planner = Lockplane.planner()
 *     .backupFirst(repo.beforeApply().credentials("backup", password), ApplyBackup.When.RISKY).build();
 * }</pre>
 *
 * <p>Immutable; the {@code with} methods return new instances.
 */
public final class BeforeApplyBackup implements ApplyBackup {
  /** The tag of every backup taken before an apply. */
  public static final String TAG = "pre-apply";

  private final BackupRepository repository;
  private final String user;
  private final String password;
  private final LocalPostgres server;

  BeforeApplyBackup(BackupRepository repository, String user, String password, LocalPostgres server) {
    this.repository = Objects.requireNonNull(repository, "repository");
    this.user = user;
    this.password = password;
    this.server = server;
  }

  /**
   * Backs up PostgreSQL targets physically over the replication protocol as this role.
   *
   * @param user the role (needs {@code REPLICATION}), or null for the target URL's
   * @param password its password, or null
   * @return a new instance
   */
  public BeforeApplyBackup credentials(String user, String password) {
    return new BeforeApplyBackup(repository, user, password, server);
  }

  /**
   * Backs up PostgreSQL targets logically with {@code pg_dump} on this local server (the target must be
   * one of its databases).
   *
   * @param pg the server
   * @return a new instance
   */
  public BeforeApplyBackup localServer(LocalPostgres pg) {
    return new BeforeApplyBackup(repository, user, password, Objects.requireNonNull(pg, "pg"));
  }

  @Override
  public String backUp(Target target) {
    BackupRequest r = repository.backup().tag(TAG).schemaHash(target.schemaHash());
    if (target.dialect() == Dialect.SQLITE) {
      return r.sqlite(Path.of(target.database())).run().id();
    }
    if (server != null) {
      if (server.port() != dev.lockplane.internal.backup.ReplicationSource.address(target.jdbcUrl()).port()) {
        throw new LockplaneException(ErrorCode.INVALID_CONFIGURATION, "The apply's target " + target.jdbcUrl()
            + " is not on the local server " + server + " this backup was configured with.");
      }
      return r.logical(server, target.database()).run().id();
    }
    return r.physical(target.jdbcUrl(), user, password).run().id();
  }

  @Override
  public String toString() {
    return "backup to " + repository.storage() + (server != null ? " (logical, on " + server + ")" : "");
  }
}
