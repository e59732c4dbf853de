package dev.lockplane.clone;

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
 * }</pre>
 *
 * <p>A golden has a {@linkplain #contentHash() content hash}: a manager reuses a golden database
 * already prepared from the same content and rebuilds it when the content changes.
 */
public sealed interface Golden permits Golden.FromScripts, Golden.FromDatabase {

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

  private static String sha256(String text) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(md.digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
