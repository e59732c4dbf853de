package dev.lockplane.planner;

import dev.lockplane.ErrorCode;
import dev.lockplane.LockplaneException;
import dev.lockplane.internal.planner.Applier;
import dev.lockplane.internal.planner.DesiredLoader;
import dev.lockplane.internal.planner.DriftComputer;
import dev.lockplane.internal.planner.HistoryReader;
import dev.lockplane.internal.planner.IgnoredRules;
import dev.lockplane.internal.planner.LoadBeside;
import dev.lockplane.internal.planner.PlanBuilder;
import dev.lockplane.internal.planner.SchemaHash;
import dev.lockplane.internal.planner.SchemaJson;
import dev.lockplane.internal.planner.StatusComputer;
import dev.lockplane.internal.planner.pg.PgIntrospector;
import dev.lockplane.internal.planner.sqlite.SqliteIntrospector;
import dev.lockplane.internal.safety.PlanAssessor;
import dev.lockplane.plan.ApplyBackup;
import dev.lockplane.plan.ApplyListener;
import dev.lockplane.plan.ApplyResult;
import dev.lockplane.plan.DriftReport;
import dev.lockplane.plan.HistoryEntry;
import dev.lockplane.plan.Plan;
import dev.lockplane.plan.SchemaStatus;
import dev.lockplane.plan.Step;
import dev.lockplane.postgres.LocalPostgres;
import dev.lockplane.safety.LockCatalogue;
import dev.lockplane.safety.SafetyLevel;
import dev.lockplane.schema.DatabaseSchema;
import dev.lockplane.schema.Dialect;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import javax.sql.DataSource;

/**
 * Plans and applies schema changes. Immutable and thread-safe; build one with {@link
 * Lockplane#planner()}.
 *
 * <p>Desired SQL is never parsed: it is applied to an empty scratch database and introspected. For
 * PostgreSQL the scratch database is a clone of an empty golden database on the configured scratch
 * server, or else a database made from {@code template0} on an embedded server of the target's major
 * version started for the occasion. It is owned by a role made for the load (no superuser, no
 * CREATEDB, no CREATEROLE), and statements that act outside a database ({@code CREATE DATABASE},
 * {@code ALTER SYSTEM}, {@code CREATE ROLE}, {@code COPY … PROGRAM}, …) are refused; both are dropped
 * after the load (with the embedded server). {@link #plan(DataSource, Desired)} and {@link
 * #drift(DataSource, Desired)} load the desired state on a thread of their own while they introspect
 * the target.
 */
public final class Planner {
  private final Duration lockTimeout;
  private final Duration statementTimeout;
  private final LocalPostgres scratchServer;
  private final String scratchUrl;
  private final String scratchUser;
  private final String scratchPassword;
  private final SafetyLevel safety;
  private final DesiredLoader loader;
  private final boolean allowDataLoss;
  private final Duration applyLockWait;
  private final Set<String> ignoredRules;
  private final ApplyBackup backup;
  private final ApplyBackup.When backupWhen;

  private Planner(Builder b) {
    this.backup = b.backup;
    this.backupWhen = b.backupWhen;
    this.ignoredRules = b.ignoredRules == null ? Set.of() : b.ignoredRules;
    this.applyLockWait = b.applyLockWait == null ? Duration.ofMinutes(1) : b.applyLockWait;
    this.allowDataLoss = b.allowDataLoss != null && b.allowDataLoss;
    this.safety = b.safety == null ? SafetyLevel.MODERATE : b.safety;
    this.lockTimeout = b.lockTimeout == null ? Duration.ofSeconds(5) : b.lockTimeout;
    this.statementTimeout = b.statementTimeout == null ? Duration.ZERO : b.statementTimeout;
    this.scratchServer = b.scratchServer;
    this.scratchUrl = b.scratchUrl;
    this.scratchUser = b.scratchUser;
    this.scratchPassword = b.scratchPassword;
    this.loader = new DesiredLoader(scratchServer, scratchUrl, scratchUser, scratchPassword);
  }

  /**
   * Reads the schema of a live database.
   *
   * @param dataSource the database
   * @return its model
   */
  public DatabaseSchema introspect(DataSource dataSource) {
    try (Connection c = dataSource.getConnection()) {
      return introspect(c);
    } catch (SQLException e) {
      throw new LockplaneException(ErrorCode.DATABASE_ERROR, "Cannot read the schema: " + e.getMessage(), e);
    }
  }

  /**
   * Reads the schema of a live database through a connection the caller keeps.
   *
   * @param connection the connection
   * @return its model
   */
  public DatabaseSchema introspect(Connection connection) {
    return dialectOf(connection) == Dialect.SQLITE ? SqliteIntrospector.introspect(connection)
        : PgIntrospector.introspect(connection);
  }

  /**
   * Turns a desired state into a normalized model, through a scratch database.
   *
   * @param desired the desired state
   * @param dialect the dialect of the target
   * @param postgresMajorVersion for PostgreSQL, the target's major version (the scratch server's
   *     when one is configured); ignored for SQLite
   * @return the model, with rename hints attached
   */
  public DatabaseSchema load(Desired desired, Dialect dialect, int postgresMajorVersion) {
    if (desired.json() != null) {
      DatabaseSchema fromJson = SchemaJson.read(desired.json(), "schema", DatabaseSchema.class, desired.jsonName());
      return loader.normalize(fromJson, dialect, postgresMajorVersion);
    }
    if (desired.schema() != null) {
      return loader.normalize(desired.schema(), dialect, postgresMajorVersion);
    }
    return loader.load(desired.scripts(), dialect, postgresMajorVersion);
  }

  /**
   * Plans the change from one model to another. Objects that Lockplane does not manage (window functions,
   * casts, operators, foreign tables, publications, event triggers, rules, table inheritance, ...)
   * are never created, altered or dropped: the plan lists them ({@link DatabaseSchema#unmanaged()},
   * shown by {@link Plan#toText()}), those of the database and those of the desired state.
   *
   * @param current the schema as it is
   * @param desired the schema as it should be (rename hints honoured)
   * @return the plan, with its reverse
   */
  public Plan plan(DatabaseSchema current, DatabaseSchema desired) {
    if (current.dialect() != desired.dialect()) {
      throw new LockplaneException(ErrorCode.INVALID_CONFIGURATION, "Cannot plan from a " + current.dialect()
          + " schema to a " + desired.dialect() + " schema; load the desired state for the target's dialect.");
    }
    return PlanBuilder.plan(withUnmanaged(current, desired), desired);
  }

  /**
   * The current model carrying what neither model manages: the database's own entries, then the
   * desired state's that differ, so that the plan reports both (the schema hash leaves them out).
   */
  private static DatabaseSchema withUnmanaged(DatabaseSchema current, DatabaseSchema desired) {
    List<String> all = new ArrayList<>(current.unmanaged());
    desired.unmanaged().stream().filter(u -> !current.unmanaged().contains(u))
        .forEach(u -> all.add("in the desired state, not created: " + u));
    return all.size() == current.unmanaged().size() ? current : current.withUnmanaged(all);
  }

  /**
   * Reads a live database and the desired state, and plans the change. For PostgreSQL (13 and later)
   * each forward step carries its risk report ({@link Step#risk()}): catalogue kinds, locks, rewrite
   * or scan, risk class, findings, and the size estimate from the target's statistics. Under {@link
   * SafetyLevel#STRICT} steps with a safe form are replaced by it, and dangerous, multi-phase and lossy
   * steps are refused; under {@link SafetyLevel#MODERATE} each finding is logged as a warning. The
   * desired state's {@link Ownership} declarations add their findings: the consumers of what each
   * breaking step breaks, and deprecated columns dropped before their date.
   *
   * @param target the database
   * @param desired the desired state
   * @return the plan
   * @throws LockplaneException ({@link ErrorCode#UNSAFE_CHANGE}) when the safety level refuses a step
   */
  public Plan plan(DataSource target, Desired desired) {
    try (Connection c = target.getConnection()) {
      int major = majorVersion(c);
      LoadBeside.Schemas both = liveAndDesired(c, desired, major);
      DatabaseSchema current = both.live();
      DatabaseSchema wanted = both.desired();
      requireDesiredState(desired, wanted);
      if (current.dialect() != Dialect.POSTGRESQL || (major < 13 && safety != SafetyLevel.STRICT)) {
        return plan(current, wanted);
      }
      return IgnoredRules.without(Ownership.of(desired).review(assessed(current, wanted, c, major),
          LocalDate.now(ZoneOffset.UTC)), ignoredRules);
    } catch (SQLException e) {
      throw new LockplaneException(ErrorCode.DATABASE_ERROR, "Cannot read the target database: " + e.getMessage(), e);
    }
  }

  /**
   * Plans the change from a live PostgreSQL database's schema to a desired model, with a risk report
   * on each step (see {@link #plan(DataSource, Desired)}).
   *
   * @param connection a connection to the target, for its statistics and catalog; the caller keeps it
   * @param current the target's schema, as {@link #introspect(Connection)} read it
   * @param desired the desired schema
   * @return the plan, each forward step with its {@link dev.lockplane.plan.StepRisk}
   * @throws LockplaneException ({@link ErrorCode#UNSAFE_CHANGE}) when the safety level refuses a step
   */
  public Plan plan(Connection connection, DatabaseSchema current, DatabaseSchema desired) {
    try {
      return IgnoredRules.without(assessed(current, desired, connection, majorVersion(connection)), ignoredRules);
    } catch (SQLException e) {
      throw new LockplaneException(ErrorCode.DATABASE_ERROR, "Cannot read the target database: " + e.getMessage(), e);
    }
  }

  private Plan assessed(DatabaseSchema current, DatabaseSchema desired, Connection c, int major) {
    if (current.dialect() != desired.dialect()) {
      return plan(current, desired);
    }
    LockCatalogue catalogue = LockCatalogue.forVersion(major);
    PlanAssessor assessor = new PlanAssessor(catalogue, safety, c, current, desired);
    Plan plan = PlanBuilder.plan(withUnmanaged(current, desired), desired, assessor::assess,
        (from, to) -> new PlanAssessor(catalogue, safety, c, from, to, false)::assess);
    assessor.checkAllowed();
    return plan;
  }

  /**
   * Refuses a desired state that defines nothing unless it was asked for with {@link Desired#empty()}:
   * planned against a database, it reads as "drop everything".
   */
  private static void requireDesiredState(Desired desired, DatabaseSchema wanted) {
    if (wanted.isEmpty() && !desired.isExplicitlyEmpty()) {
      throw new LockplaneException(ErrorCode.INVALID_INPUT, "The desired state " + desired.describe()
          + " defines no table, view, type, sequence, function or extension; planned against a database it would "
          + "drop everything. Point at the files that define the schema, or use Desired.empty() if an empty "
          + "database is really what you want.");
    }
  }

  /** Returns the safety level of this planner (default {@link SafetyLevel#MODERATE}). */
  public SafetyLevel safety() {
    return safety;
  }

  /**
   * Applies a plan. Consecutive transactional steps run in one transaction; a step that cannot run
   * in a transaction runs alone. Each run is recorded in the history table ({@code lockplane.history},
   * SQLite {@code lockplane_history}). On PostgreSQL, applies to one database are serialised: the
   * whole apply holds a session-level advisory lock on a second connection of its own; another apply
   * waits up to {@link Builder#applyLockWait(Duration)} and then fails ({@link ErrorCode#IN_USE})
   * naming the session that holds it. Before any step runs, the apply
   * <ul>
   *   <li>refuses a plan whose {@link Plan#digest()} does not match its steps ({@link
   *       ErrorCode#CORRUPTED}: the plan file was edited) or that has no digest ({@link
   *       ErrorCode#INVALID_INPUT}: written by an older version; make a new plan);
   *   <li>marks earlier runs left {@code running} by a process that no longer exists as {@code
   *       interrupted}, and reports them ({@link ApplyResult#interruptedRuns()}, {@link
   *       ApplyListener#interruptedRunFound});
   *   <li>refuses a database whose schema hash is not the plan's source hash ({@link
   *       ErrorCode#SCHEMA_CHANGED});
   *   <li>counts the rows of every table a step would destroy data in (dropped tables and columns,
   *       lossy changes) and refuses with {@link ErrorCode#DATA_LOSS} when one holds rows, unless the
   *       planner was built with {@link Builder#allowDataLoss(boolean) allowDataLoss(true)}.
   * </ul>
   * After the last step, a schema whose hash is not the plan's target hash is an error ({@link
   * ErrorCode#APPLY_FAILED}), recorded as {@code failed}. A failing step is reported with its number,
   * description, statement and error, and with what stays committed.
   *
   * @param plan the plan
   * @param target the database
   * @return what was applied
   */
  public ApplyResult apply(Plan plan, DataSource target) {
    return apply(plan, target, ApplyListener.NONE);
  }

  /**
   * Applies a plan, reporting each step to a listener.
   *
   * @param plan the plan
   * @param target the database
   * @param listener told when each step starts and ends
   * @return what was applied
   */
  public ApplyResult apply(Plan plan, DataSource target, ApplyListener listener) {
    try (Connection c = target.getConnection();
        Connection lockSession = dialectOf(c) == Dialect.SQLITE ? null : target.getConnection()) {
      return Applier.apply(plan, c, lockSession, options(listener));
    } catch (SQLException e) {
      throw new LockplaneException(ErrorCode.DATABASE_ERROR, "Cannot connect to the target: " + e.getMessage(), e);
    }
  }

  /**
   * Applies a plan through a connection the caller keeps.
   *
   * @param plan the plan
   * @param connection the connection
   * @return what was applied
   */
  public ApplyResult apply(Plan plan, Connection connection) {
    return apply(plan, connection, ApplyListener.NONE);
  }

  /**
   * Applies a plan through a connection the caller keeps, reporting each step to a listener. On
   * PostgreSQL the apply lock is held by this connection's session.
   *
   * @param plan the plan
   * @param connection the connection
   * @param listener told when each step starts and ends
   * @return what was applied
   */
  public ApplyResult apply(Plan plan, Connection connection, ApplyListener listener) {
    return Applier.apply(plan, connection, connection, options(listener));
  }

  private Applier.Options options(ApplyListener listener) {
    return new Applier.Options(lockTimeout, statementTimeout, this::introspect,
        Objects.requireNonNull(listener, "listener"), allowDataLoss, applyLockWait, backup, backupWhen);
  }

  /**
   * Applies the reverse of a plan that was applied, with the checks of {@link #apply(Plan,
   * DataSource)}: the plan's digest is verified before it is reversed, and a rollback that would drop
   * columns or tables holding rows (those the plan added) needs {@link Builder#allowDataLoss(boolean)}.
   *
   * @param plan the plan that was applied
   * @param target the database
   * @return what was applied
   */
  public ApplyResult rollback(Plan plan, DataSource target) {
    Applier.verifyDigest(plan);
    return apply(plan.reverse(), target);
  }

  /**
   * Lists the applies recorded in a database's history table, oldest first: when, by whom, from
   * which schema hash to which, how long, and how each ended. Reads only; a database without the
   * table has an empty history.
   *
   * @param target the database
   * @return the entries
   */
  public List<HistoryEntry> history(DataSource target) {
    try (Connection c = target.getConnection()) {
      return HistoryReader.list(c, dialectOf(c) == Dialect.SQLITE);
    } catch (SQLException e) {
      throw new LockplaneException(ErrorCode.DATABASE_ERROR, "Cannot read the history: " + e.getMessage(), e);
    }
  }

  /**
   * Returns the plan recorded with a history entry (its steps and rollback steps; the source schema
   * is not recorded).
   *
   * @param target the database
   * @param historyId the entry's id
   * @return the plan, or empty when the database has no such entry
   */
  public Optional<Plan> historyPlan(DataSource target, long historyId) {
    try (Connection c = target.getConnection()) {
      return HistoryReader.plan(c, dialectOf(c) == Dialect.SQLITE, historyId);
    } catch (SQLException e) {
      throw new LockplaneException(ErrorCode.DATABASE_ERROR, "Cannot read the history: " + e.getMessage(), e);
    }
  }

  /**
   * Says where a database stands relative to the desired state: at it, behind (the desired schema
   * has changes not applied), ahead (the desired schema is one the history shows the database was at
   * before), or drifted (applies were recorded, but the live schema is not what the last successful
   * one left). See {@link SchemaStatus.State}.
   *
   * @param target the database
   * @param desired the desired state
   * @return the verdict, with the hashes, the last successful apply and the differences
   */
  public SchemaStatus status(DataSource target, Desired desired) {
    return StatusComputer.decide(drift(target, desired), history(target));
  }

  /**
   * The ids of the rules whose findings plans carry: the lock catalogue's (of every supported
   * PostgreSQL version) and the ownership rules ({@link Ownership#BREAKS_CONSUMERS}, {@link
   * Ownership#DROP_BEFORE_DATE}).
   *
   * @return the ids, sorted
   */
  public static Set<String> ruleIds() {
    Set<String> ids = new TreeSet<>(List.of(Ownership.BREAKS_CONSUMERS, Ownership.DROP_BEFORE_DATE));
    for (int v = 13; v <= LocalPostgres.DEFAULT_VERSION; v++) {
      LockCatalogue.forVersion(v).entries().forEach(e -> ids.add(e.ruleId()));
    }
    return java.util.Collections.unmodifiableSet(ids);
  }

  /** Returns whether this planner's applies may destroy rows (default false). */
  public boolean allowsDataLoss() {
    return allowDataLoss;
  }

  /**
   * Compares a live database with the desired state.
   *
   * @param target the database
   * @param desired the desired state
   * @return the differences, object by object
   */
  public DriftReport drift(DataSource target, Desired desired) {
    try (Connection c = target.getConnection()) {
      LoadBeside.Schemas both = liveAndDesired(c, desired, majorVersion(c));
      return drift(both.live(), both.desired());
    } catch (SQLException e) {
      throw new LockplaneException(ErrorCode.DATABASE_ERROR, "Cannot read the target database: " + e.getMessage(), e);
    }
  }

  /**
   * Compares two models.
   *
   * @param live the live schema
   * @param desired the desired schema
   * @return the differences
   */
  public DriftReport drift(DatabaseSchema live, DatabaseSchema desired) {
    return DriftComputer.compare(live, PlanBuilder.withoutHints(desired));
  }

  /**
   * Returns the schema hash of a model (SHA-256 of its canonical JSON, column order ignored).
   *
   * @param schema the model
   * @return {@code sha256:} and 64 hex digits
   */
  public static String hash(DatabaseSchema schema) {
    return SchemaHash.of(schema);
  }

  /**
   * Renders a model as the SQL that creates it in an empty database.
   *
   * @param schema the model
   * @return the statements, each ending with a semicolon
   */
  public static String toSql(DatabaseSchema schema) {
    return DesiredLoader.createSql(schema);
  }

  /**
   * Writes a model as a Lockplane JSON document (sorted keys).
   *
   * @param schema the model
   * @return the document
   */
  public static String toJson(DatabaseSchema schema) {
    return SchemaJson.write("schema", schema);
  }

  /**
   * Writes a plan as a Lockplane JSON document.
   *
   * @param plan the plan
   * @return the document
   */
  public static String toJson(Plan plan) {
    return SchemaJson.write("plan", plan);
  }

  /**
   * Writes a drift report as a Lockplane JSON document.
   *
   * @param report the report
   * @return the document
   */
  public static String toJson(DriftReport report) {
    return SchemaJson.write("drift", report);
  }

  /**
   * Reads a Lockplane JSON schema document; strict: unknown properties fail with their JSON path.
   *
   * @param json the document
   * @param source the name shown in errors
   * @return the model
   */
  public static DatabaseSchema schemaFromJson(String json, String source) {
    return SchemaJson.read(json, "schema", DatabaseSchema.class, source);
  }

  /**
   * Reads a plan written by {@link #toJson(Plan)}.
   *
   * @param json the document
   * @param source the name shown in errors
   * @return the plan
   */
  public static Plan planFromJson(String json, String source) {
    return SchemaJson.read(json, "plan", Plan.class, source);
  }

  private static Dialect dialectOf(Connection c) {
    try {
      return c.getMetaData().getDatabaseProductName().toLowerCase(java.util.Locale.ROOT).contains("sqlite")
          ? Dialect.SQLITE : Dialect.POSTGRESQL;
    } catch (SQLException e) {
      throw new LockplaneException(ErrorCode.DATABASE_ERROR, "Cannot tell the database kind: " + e.getMessage(), e);
    }
  }

  // On PostgreSQL the desired SQL loads on a scratch server beside the target's introspection.
  private LoadBeside.Schemas liveAndDesired(Connection c, Desired desired, int major) throws SQLException {
    Dialect dialect = dialectOf(c);
    if (dialect != Dialect.POSTGRESQL) {
      DatabaseSchema live = introspect(c);
      return new LoadBeside.Schemas(live, load(desired, live.dialect(), major));
    }
    return LoadBeside.run(() -> introspect(c), () -> load(desired, dialect, major));
  }

  private static int majorVersion(Connection c) throws SQLException {
    return dialectOf(c) == Dialect.SQLITE ? 0 : c.getMetaData().getDatabaseMajorVersion();
  }

  /** Configures a {@link Planner}. Each setting may be given once. */
  public static final class Builder {
    private Duration lockTimeout;
    private Duration statementTimeout;
    private LocalPostgres scratchServer;
    private String scratchUrl;
    private String scratchUser;
    private String scratchPassword;
    private SafetyLevel safety;
    private Boolean allowDataLoss;
    private Duration applyLockWait;
    private Set<String> ignoredRules;
    private ApplyBackup backup;
    private ApplyBackup.When backupWhen;

    Builder() {}

    /**
     * Takes a backup before applying: after the plan's checks passed and before its first step, while
     * the apply lock is held, for every plan ({@link ApplyBackup.When#ALWAYS}) or only for plans with a
     * step that destroys data or is lossy or dangerous ({@link ApplyBackup.When#RISKY}). The backup's id
     * is recorded in the history row ({@link dev.lockplane.plan.HistoryEntry#backupId()}) and returned
     * ({@link ApplyResult#backupId()}); a failed backup stops the apply before any step ran. Rollbacks
     * ({@link Planner#rollback}) back up the same way.
     *
     * <pre>{@code
     * Planner planner = Lockplane.planner().backupFirst(repo.beforeApply(), ApplyBackup.When.RISKY).build();
     * }</pre>
     *
     * @param backup takes the backup, such as {@code BackupRepository.beforeApply()}
     * @param when for which plans
     * @return this builder
     */
    public Builder backupFirst(ApplyBackup backup, ApplyBackup.When when) {
      if (this.backup != null) {
        throw conflict("backupFirst", this.backup + " (" + backupWhen + ")");
      }
      this.backup = Objects.requireNonNull(backup, "backup");
      this.backupWhen = Objects.requireNonNull(when, "when");
      return this;
    }

    /**
     * Leaves the findings of these rules out of the plans this planner makes (a team that has decided a
     * rule does not apply to it). The steps, their risk classes and what the safety level refuses do not
     * change: only the findings are dropped from the reports.
     *
     * @param ruleIds rule ids, each one of {@link Planner#ruleIds()}
     * @return this builder
     * @throws LockplaneException ({@link ErrorCode#INVALID_CONFIGURATION}) for an unknown rule id
     */
    public Builder ignoreRules(Collection<String> ruleIds) {
      if (ignoredRules != null) {
        throw conflict("ignoreRules", ignoredRules);
      }
      Set<String> known = ruleIds();
      for (String id : ruleIds) {
        if (!known.contains(id)) {
          throw new LockplaneException(ErrorCode.INVALID_CONFIGURATION, "'" + id + "' is not a plan rule; the rules "
              + "are " + String.join(", ", known) + ".");
        }
      }
      ignoredRules = Set.copyOf(new TreeSet<>(ruleIds));
      return this;
    }

    /**
     * Sets how long an apply waits for another apply to the same PostgreSQL database to finish
     * (default 1 minute); zero fails at once. The wait ends with {@link ErrorCode#IN_USE}, naming the
     * holder's pid, user, client address, application name and since when it holds the lock.
     *
     * @param wait the longest wait
     * @return this builder
     */
    public Builder applyLockWait(Duration wait) {
      if (applyLockWait != null) {
        throw conflict("applyLockWait", applyLockWait);
      }
      if (Objects.requireNonNull(wait, "wait").isNegative()) {
        throw new LockplaneException(ErrorCode.INVALID_CONFIGURATION, "applyLockWait must not be negative: " + wait);
      }
      applyLockWait = wait;
      return this;
    }

    /**
     * Sets whether apply may destroy rows (default false). A plan step that drops a table or a column,
     * rebuilds a SQLite table without some of its columns, or is lossy per the lock catalogue is
     * refused at apply ({@link ErrorCode#DATA_LOSS}) when the affected table holds rows; empty tables
     * may always go. The safety level does not grant this: it judges locks and rewrites, while losing
     * rows is a decision about the data, made explicitly here.
     *
     * @param allow true to let applies destroy rows
     * @return this builder
     */
    public Builder allowDataLoss(boolean allow) {
      if (allowDataLoss != null) {
        throw conflict("allowDataLoss", allowDataLoss);
      }
      allowDataLoss = allow;
      return this;
    }

    /**
     * Sets how risky steps are treated when planning against a live PostgreSQL database (default
     * {@link SafetyLevel#MODERATE}): {@code STRICT} uses the safe form of a step where one exists
     * ({@code CREATE INDEX CONCURRENTLY}, {@code NOT VALID} then {@code VALIDATE}, {@code SET NOT NULL}
     * through a check, unique and primary keys through a concurrent index) and refuses dangerous,
     * multi-phase and lossy steps; {@code MODERATE} logs a warning per finding; {@code PERMISSIVE}
     * only documents them in the plan.
     *
     * @param level the level
     * @return this builder
     */
    public Builder safety(SafetyLevel level) {
      if (safety != null) {
        throw conflict("safety", safety);
      }
      safety = Objects.requireNonNull(level, "level");
      return this;
    }

    /**
     * Sets PostgreSQL's {@code lock_timeout} while applying (default 5 s).
     *
     * @param timeout the timeout
     * @return this builder
     */
    public Builder lockTimeout(Duration timeout) {
      if (lockTimeout != null) {
        throw conflict("lockTimeout", lockTimeout);
      }
      lockTimeout = Objects.requireNonNull(timeout, "timeout");
      return this;
    }

    /**
     * Sets PostgreSQL's {@code statement_timeout} while applying (default none).
     *
     * @param timeout the timeout; zero for none
     * @return this builder
     */
    public Builder statementTimeout(Duration timeout) {
      if (statementTimeout != null) {
        throw conflict("statementTimeout", statementTimeout);
      }
      statementTimeout = Objects.requireNonNull(timeout, "timeout");
      return this;
    }

    /**
     * Creates scratch databases on this embedded server (same major version as the targets).
     *
     * @param server the server; the caller keeps it running and closes it
     * @return this builder
     */
    public Builder scratchServer(LocalPostgres server) {
      if (scratchServer != null || scratchUrl != null) {
        throw conflict("scratchServer", scratchServer != null ? scratchServer : scratchUrl);
      }
      scratchServer = Objects.requireNonNull(server, "server");
      return this;
    }

    /**
     * Creates scratch databases on a server reached by JDBC (the user needs CREATEDB and CREATEROLE:
     * each load runs as a role made for it, which owns only its scratch database).
     *
     * @param jdbcUrl a URL of an existing database on that server, used for CREATE/DROP DATABASE and
     *     CREATE/DROP ROLE
     * @param user the user
     * @param password the password
     * @return this builder
     */
    public Builder scratchServer(String jdbcUrl, String user, String password) {
      if (scratchServer != null || scratchUrl != null) {
        throw conflict("scratchServer", scratchServer != null ? scratchServer : scratchUrl);
      }
      scratchUrl = Objects.requireNonNull(jdbcUrl, "jdbcUrl");
      scratchUser = user;
      scratchPassword = password;
      return this;
    }

    private static LockplaneException conflict(String setting, Object value) {
      return new LockplaneException(ErrorCode.INVALID_CONFIGURATION, setting + " is already set to " + value
          + "; set it once.");
    }

    /** Returns the planner. */
    public Planner build() {
      return new Planner(this);
    }
  }
}
