package dev.lockplane.clone;

import dev.lockplane.golden.Masking;
import dev.lockplane.golden.Subset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

/**
 * What the golden database — the original every clone copies — is made of.
 *
 * <pre>{@code
 * Golden g = Golden.fromScripts(Path.of("db/schema.sql"), Path.of("db/seed.sql"));
 * Golden h = Golden.fromClasspath("db/schema.sql");
 * Golden i = Golden.fromDatabase("staging_copy");
 * Golden j = Golden.fromServer("postgres://prod.internal:5432/shop", "reader", System.getenv("PGPASSWORD"));
 * Golden k = Golden.fromFlyway("classpath:db/migration");
 * Golden l = Golden.fromLiquibase("db/changelog/db.changelog-master.yaml");
 * Golden m = Golden.latestBackup(repo);   // repo: a BackupRepository (lockplane-backup)
 * }</pre>
 *
 * <p>A golden has a {@linkplain #contentHash() content hash}: a manager reuses a golden database
 * already prepared from the same content and rebuilds it when the content changes.
 */
public sealed interface Golden
    permits Golden.FromScripts, Golden.FromDatabase, Golden.FromServer, Golden.FromFlyway, Golden.FromLiquibase,
        Golden.FromSource, Golden.Prepared {

  /**
   * A golden built by running SQL scripts, in order, on an empty database.
   *
   * @param scripts the scripts, run in this order
   */
  record FromScripts(List<Script> scripts) implements Golden {
    /** Validates and copies the list. */
    public FromScripts {
      scripts = List.copyOf(Objects.requireNonNull(scripts, "scripts"));
    }

    @Override
    public String contentHash() {
      StringBuilder sb = new StringBuilder("scripts\n");
      for (Script s : scripts) {
        sb.append(s.sha256()).append('\n');
      }
      return sha256(sb.toString());
    }

    @Override
    public String describe() {
      return scripts.isEmpty()
          ? "empty database"
          : "scripts " + scripts.stream().map(Script::name).toList();
    }
  }

  /**
   * A golden copied from an existing database on the same server.
   *
   * @param database the name of the database to copy; nobody may be connected to it while it is
   *     copied
   */
  record FromDatabase(String database) implements Golden {
    /** Validates the name. */
    public FromDatabase {
      Objects.requireNonNull(database, "database");
      if (database.isBlank()) {
        throw new IllegalArgumentException("database name is blank");
      }
    }

    @Override
    public String contentHash() {
      return sha256("database\n" + database);
    }

    @Override
    public String describe() {
      return "copy of database " + database;
    }
  }

  /** How a golden is read from a server. */
  enum Transfer {
    /**
     * {@code pg_dump} of the source (directory format, parallel jobs) restored with {@code
     * pg_restore}: any server, a read-only role suffices.
     */
    LOGICAL,
    /**
     * A base backup over the replication protocol (a role with {@code REPLICATION}); instance-level
     * clones only.
     */
    PHYSICAL
  }

  /**
   * A golden read from any reachable PostgreSQL server.
   *
   * @param url the source, {@code postgres://host:port/db} or {@code jdbc:postgresql://...}; a
   *     password in the URL is accepted but never shown
   * @param user the role to read as
   * @param password the role's password, or {@code null} for none (or the one in the URL); never
   *     part of {@link #toString()}, {@link #describe()} or the content hash
   * @param transfer logical ({@code pg_dump}) or physical (replication)
   * @param jobs parallel jobs for a logical dump and restore, at least 1
   * @param dumpDirectory the directory a logical dump is written in (in a private directory of its
   *     own, deleted afterwards), or {@code null} for {@code java.io.tmpdir}; not part of the content hash
   */
  record FromServer(String url, String user, String password, Transfer transfer, int jobs, Path dumpDirectory)
      implements Golden {
    /**
     * A source whose logical dump is written in {@code java.io.tmpdir}.
     *
     * @param url the source
     * @param user the role to read as
     * @param password the role's password, or {@code null}
     * @param transfer logical or physical
     * @param jobs parallel jobs, at least 1
     */
    public FromServer(String url, String user, String password, Transfer transfer, int jobs) {
      this(url, user, password, transfer, jobs, null);
    }

    /** Validates the components. */
    public FromServer {
      Objects.requireNonNull(url, "url");
      Objects.requireNonNull(user, "user");
      Objects.requireNonNull(transfer, "transfer");
      if (url.isBlank()) {
        throw new IllegalArgumentException("source URL is blank");
      }
      if (jobs < 1) {
        throw new IllegalArgumentException("jobs must be at least 1, got " + jobs);
      }
    }

    /**
     * Returns this source read over the replication protocol instead (instance-level clones).
     *
     * @return the physical source
     */
    public FromServer physical() {
      return new FromServer(url, user, password, Transfer.PHYSICAL, jobs, dumpDirectory);
    }

    /**
     * Returns this source dumped and restored with {@code jobs} parallel jobs.
     *
     * @param jobs the number of jobs, at least 1
     * @return the source
     */
    public FromServer jobs(int jobs) {
      return new FromServer(url, user, password, transfer, jobs, dumpDirectory);
    }

    /**
     * Returns this source with its logical dump written under {@code directory} instead of {@code
     * java.io.tmpdir}: a filesystem with room for the dump (about the size of the source's data,
     * compressed). The dump lives in a private directory there, deleted when the golden is built or
     * its preparation fails.
     *
     * @param directory an existing, writable directory
     * @return the source
     */
    public FromServer dumpDirectory(Path directory) {
      return new FromServer(url, user, password, transfer, jobs, Objects.requireNonNull(directory, "directory"));
    }

    /** Returns the URL with any password in it replaced by {@code ***}. */
    public String redactedUrl() {
      return url.replaceAll("(?<=://)([^:/@]*):[^@/]*@", "$1:***@").replaceAll("(?i)(password=)[^&]*", "$1***");
    }

    @Override
    public String contentHash() {
      return sha256("server\n" + transfer + "\n" + redactedUrl() + "\n" + user);
    }

    @Override
    public String describe() {
      return (transfer == Transfer.LOGICAL ? "dump of " : "base backup of ") + redactedUrl() + " as " + user;
    }

    @Override
    public String toString() {
      return "FromServer[url=" + redactedUrl() + ", user=" + user + ", password=" + (password == null ? "none" : "***")
          + ", transfer=" + transfer + ", jobs=" + jobs + (dumpDirectory == null ? "" : ", dumpDirectory=" + dumpDirectory)
          + "]";
    }
  }

  /**
   * A golden built by Flyway itself from its migration locations, on an empty database. Needs
   * {@code org.flywaydb:flyway-core} and {@code flyway-database-postgresql} on the class path.
   *
   * @param locations Flyway locations such as {@code classpath:db/migration} or {@code
   *     filesystem:src/main/resources/db/migration}
   * @param placeholders Flyway placeholders
   */
  record FromFlyway(List<String> locations, java.util.Map<String, String> placeholders) implements Golden {
    /** Validates and copies the components. */
    public FromFlyway {
      locations = List.copyOf(Objects.requireNonNull(locations, "locations"));
      placeholders = java.util.Map.copyOf(Objects.requireNonNull(placeholders, "placeholders"));
      if (locations.isEmpty()) {
        throw new IllegalArgumentException("no Flyway location given");
      }
    }

    /**
     * Returns this golden with Flyway placeholders set.
     *
     * @param placeholders the placeholders, replacing any set before
     * @return the golden
     */
    public FromFlyway placeholders(java.util.Map<String, String> placeholders) {
      return new FromFlyway(locations, placeholders);
    }

    /**
     * Returns a key for the locations and placeholders only; a clone manager adds the checksums of
     * the migrations it finds, so a changed migration builds a new golden.
     */
    @Override
    public String contentHash() {
      StringBuilder sb = new StringBuilder("flyway\n");
      locations.forEach(l -> sb.append(l).append('\n'));
      new java.util.TreeMap<>(placeholders).forEach((k, v) -> sb.append(k).append('=').append(v).append('\n'));
      return sha256(sb.toString());
    }

    @Override
    public String describe() {
      return "Flyway migrations " + locations;
    }
  }

  /**
   * A golden built by Liquibase itself from a changelog, on an empty database. Needs {@code
   * org.liquibase:liquibase-core} on the class path.
   *
   * @param changelog the changelog, a class path resource or a file
   * @param contexts Liquibase contexts, or empty for all
   * @param parameters changelog parameters
   */
  record FromLiquibase(String changelog, String contexts, java.util.Map<String, String> parameters) implements Golden {
    /** Validates and copies the components. */
    public FromLiquibase {
      Objects.requireNonNull(changelog, "changelog");
      contexts = contexts == null ? "" : contexts;
      parameters = java.util.Map.copyOf(Objects.requireNonNull(parameters, "parameters"));
      if (changelog.isBlank()) {
        throw new IllegalArgumentException("changelog is blank");
      }
    }

    /**
     * Returns this golden with Liquibase contexts.
     *
     * @param contexts a Liquibase context expression
     * @return the golden
     */
    public FromLiquibase contexts(String contexts) {
      return new FromLiquibase(changelog, contexts, parameters);
    }

    /**
     * Returns this golden with changelog parameters.
     *
     * @param parameters the parameters, replacing any set before
     * @return the golden
     */
    public FromLiquibase parameters(java.util.Map<String, String> parameters) {
      return new FromLiquibase(changelog, contexts, parameters);
    }

    /**
     * Returns a key for the changelog's location, contexts and parameters only; a clone manager adds
     * the checksums of the change sets, so a changed changelog builds a new golden.
     */
    @Override
    public String contentHash() {
      StringBuilder sb = new StringBuilder("liquibase\n").append(changelog).append('\n').append(contexts).append('\n');
      new java.util.TreeMap<>(parameters).forEach((k, v) -> sb.append(k).append('=').append(v).append('\n'));
      return sha256(sb.toString());
    }

    @Override
    public String describe() {
      return "Liquibase changelog " + changelog;
    }
  }

  /**
   * A golden loaded by a {@link GoldenSource} — a backup in a repository, or a user's own loader.
   *
   * @param source the source
   */
  record FromSource(GoldenSource source) implements Golden {
    /** Validates the component. */
    public FromSource {
      Objects.requireNonNull(source, "source");
    }

    @Override
    public String contentHash() {
      return sha256("source\n" + source.form() + "\n" + source.contentKey());
    }

    @Override
    public String describe() {
      return source.describe();
    }
  }

  /**
   * A golden prepared in stages: its source is loaded, then subset, then masked, all inside the
   * private golden before any snapshot exists, so the rows left out and the original values of
   * masked columns never reach a clone. Made by {@link Golden#subset(Subset)} and
   * {@link Golden#masked(Masking)}.
   *
   * @param source where the data comes from (not itself a {@code Prepared})
   * @param subset which rows to keep, or null to keep them all
   * @param masking how to mask, or null to keep values as they are
   */
  record Prepared(Golden source, Subset subset, Masking masking) implements Golden {
    /** Validates the components. */
    public Prepared {
      Objects.requireNonNull(source, "source");
      if (source instanceof Prepared) {
        throw new IllegalArgumentException("The source of a prepared golden is not itself prepared");
      }
      if (subset == null && masking == null) {
        throw new IllegalArgumentException("A prepared golden needs a subset, a masking or both");
      }
    }

    @Override
    public String contentHash() {
      return sha256("prepared\n" + source.contentHash() + "\n" + (subset == null ? "-" : subset.contentHash())
          + "\n" + (masking == null ? "-" : masking.contentHash()));
    }

    @Override
    public String describe() {
      return source.describe() + (subset == null ? "" : ", subset: " + subset.describe())
          + (masking == null ? "" : ", masked: " + masking.describe());
    }
  }

  /**
   * Returns this golden with only a subset of its rows: the subset runs after the source is loaded
   * and before masking.
   *
   * @param subset which rows to keep
   * @return the prepared golden
   */
  default Prepared subset(Subset subset) {
    Objects.requireNonNull(subset, "subset");
    return this instanceof Prepared p ? new Prepared(p.source(), subset, p.masking()) : new Prepared(this, subset, null);
  }

  /**
   * Returns this golden with its personal data masked: masking runs after the source is loaded
   * (and subset), before the golden's snapshot exists.
   *
   * @param masking the masking rules
   * @return the prepared golden
   */
  default Prepared masked(Masking masking) {
    Objects.requireNonNull(masking, "masking");
    return this instanceof Prepared p ? new Prepared(p.source(), p.subset(), masking) : new Prepared(this, null, masking);
  }

  /** Returns a hex SHA-256 that identifies this golden's content. */
  String contentHash();

  /** Returns a short description for logs and snapshot descriptions. */
  String describe();

  /**
   * A golden built from SQL script files, run in the order given. A directory stands for every
   * {@code .sql} file below it, versioned files ({@code V2__x.sql} before {@code V10__y.sql}) first
   * and then the others by path (see {@link Script#directory(Path)}).
   *
   * @param files the script files or directories
   * @return the golden
   */
  static Golden fromScripts(Path... files) {
    return new FromScripts(Arrays.stream(files).flatMap(f -> Script.files(f).stream()).toList());
  }

  /**
   * A golden built from scripts, run in the order given.
   *
   * @param scripts the scripts
   * @return the golden
   */
  static Golden fromScripts(List<Script> scripts) {
    return new FromScripts(scripts);
  }

  /**
   * A golden built from SQL scripts on the classpath, run in the order given.
   *
   * @param resources resource paths such as {@code db/schema.sql}
   * @return the golden
   */
  static Golden fromClasspath(String... resources) {
    return new FromScripts(Arrays.stream(resources).map(Script::classpath).toList());
  }

  /**
   * An empty golden database.
   *
   * @return the golden
   */
  static Golden empty() {
    return new FromScripts(List.of());
  }

  /**
   * A golden copied from an existing database on the same server.
   *
   * @param database the database to copy
   * @return the golden
   */
  static Golden fromDatabase(String database) {
    return new FromDatabase(database);
  }

  /**
   * A golden read from a reachable PostgreSQL server with {@code pg_dump} (two parallel jobs) and
   * restored with {@code pg_restore}. Call {@link FromServer#physical()} for a base backup over the
   * replication protocol instead, or {@link FromServer#jobs(int)} for more jobs.
   *
   * @param url the source, {@code postgres://host:port/db} or {@code jdbc:postgresql://...}
   * @param user the role to read as; a read-only role suffices for a logical golden
   * @param password the password, or {@code null}
   * @return the golden
   */
  static FromServer fromServer(String url, String user, String password) {
    return new FromServer(url, user, password, Transfer.LOGICAL, 2);
  }

  /**
   * A golden built by Flyway from its migration locations.
   *
   * @param locations Flyway locations, for example {@code classpath:db/migration}
   * @return the golden
   */
  static FromFlyway fromFlyway(String... locations) {
    return new FromFlyway(List.of(locations), java.util.Map.of());
  }

  /**
   * A golden built by Liquibase from a changelog.
   *
   * @param changelog the changelog, a class path resource or a file path
   * @return the golden
   */
  static FromLiquibase fromLiquibase(String changelog) {
    return new FromLiquibase(changelog, "", java.util.Map.of());
  }

  /**
   * A golden made of one backup in a backup repository: a physical backup becomes the golden data
   * directory of instance-level clones, a logical one is restored into the golden database.
   *
   * <pre>{@code
   * Golden g = Golden.fromBackup(repo, "20260102T030405Z-1a2b3c");
   * }</pre>
   *
   * @param repository the repository, {@code BackupRepository} in {@code lockplane-backup}, open until
   *     the golden is prepared
   * @param backupId the backup's id
   * @return the golden
   * @throws dev.lockplane.LockplaneException if there is no such backup, or it cannot become a golden
   */
  static Golden fromBackup(BackupGoldens repository, String backupId) {
    return Objects.requireNonNull(repository, "repository").golden(Objects.requireNonNull(backupId, "backupId"));
  }

  /**
   * A golden made of the newest backup in a repository, chosen now: a backup taken later does not
   * change this golden.
   *
   * @param repository the repository, open until the golden is prepared
   * @return the golden
   * @throws dev.lockplane.LockplaneException if the repository holds no backup that can become a golden
   */
  static Golden latestBackup(BackupGoldens repository) {
    return Objects.requireNonNull(repository, "repository").latestGolden();
  }

  /**
   * A golden made of the newest backup in a repository that finished at or before a time: "the
   * data as it was before the incident".
   *
   * @param repository the repository, open until the golden is prepared
   * @param time the latest stop time accepted
   * @return the golden
   * @throws dev.lockplane.LockplaneException if no backup finished by then
   */
  static Golden fromBackupBefore(BackupGoldens repository, java.time.Instant time) {
    return Objects.requireNonNull(repository, "repository").goldenBefore(Objects.requireNonNull(time, "time"));
  }

  /**
   * A golden loaded by a source of its own, such as a backup ({@code repository.golden(...)} in
   * {@code lockplane-backup}).
   *
   * @param source the source
   * @return the golden
   */
  static Golden from(GoldenSource source) {
    return new FromSource(source);
  }

  private static String sha256(String text) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(md.digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
