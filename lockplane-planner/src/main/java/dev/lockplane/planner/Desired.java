package dev.lockplane.planner;

import dev.lockplane.ErrorCode;
import dev.lockplane.LockplaneException;
import dev.lockplane.clone.Script;
import dev.lockplane.schema.DatabaseSchema;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The desired state of a database: SQL files, Lockplane JSON, or a model built in code.
 *
 * <pre>{@code
 * Desired d = Desired.sqlFiles(Path.of("schema/"));   // every *.sql below, V1__, V2__, … first
 * Desired j = Desired.json(Path.of("schema.json"));
 * }</pre>
 *
 * <p>A desired state that defines nothing is refused at plan time, because against a live database
 * it means "drop everything"; {@link #empty()} is the way to ask for that on purpose.
 */
public final class Desired {
  private final List<Script> scripts;
  private final String json;
  private final String jsonName;
  private final DatabaseSchema schema;

  private Desired(List<Script> scripts, String json, String jsonName, DatabaseSchema schema) {
    this.scripts = scripts;
    this.json = json;
    this.jsonName = jsonName;
    this.schema = schema;
  }

  /** The explicitly empty desired state: the only one allowed to define nothing. */
  private static final Desired EMPTY = new Desired(List.of(), null, null, null);

  /**
   * Reads SQL files. A directory contributes every {@code .sql} file below it: Flyway-style
   * versioned files ({@code V<version>__<description>.sql}) first, in numeric version order ({@code
   * V2__x.sql} before {@code V10__y.sql}), then the others by path (see {@link Script#directory(Path)}).
   *
   * @param paths files or directories
   * @return the desired state
   * @throws LockplaneException ({@link ErrorCode#IO_ERROR}) if a file cannot be read
   * @throws LockplaneException ({@link ErrorCode#INVALID_INPUT}) when a directory holds no {@code .sql}
   *     file
   */
  public static Desired sqlFiles(Path... paths) {
    List<Script> scripts = new ArrayList<>();
    for (Path p : paths) {
      List<Script> found = Script.files(p);
      if (found.isEmpty() && Files.isDirectory(p)) {
        throw new LockplaneException(ErrorCode.INVALID_INPUT, "The desired schema directory " + p
            + " holds no .sql file; planned against a database it would drop everything. Point at the "
            + "directory that holds the schema files, or use Desired.empty() to ask for an empty database.");
      }
      scripts.addAll(found);
    }
    return new Desired(List.copyOf(scripts), null, null, null);
  }

  /**
   * Uses SQL text.
   *
   * @param name the name shown in error messages
   * @param sql the statements
   * @return the desired state
   */
  public static Desired sql(String name, String sql) {
    return new Desired(List.of(Script.of(name, sql)), null, null, null);
  }

  /**
   * Uses scripts (files, classpath resources or text), run in the order given.
   *
   * <pre>{@code
   * Desired d = Desired.scripts(Script.classpath("db/schema.sql"), Script.of("extra", "CREATE INDEX …"));
   * }</pre>
   *
   * @param scripts the scripts
   * @return the desired state
   */
  public static Desired scripts(Script... scripts) {
    return new Desired(List.of(scripts), null, null, null);
  }

  /**
   * Reads a Lockplane JSON document.
   *
   * @param path the file
   * @return the desired state
   */
  public static Desired json(Path path) {
    try {
      return new Desired(null, Files.readString(path, StandardCharsets.UTF_8), path.toString(), null);
    } catch (IOException e) {
      throw new LockplaneException(ErrorCode.IO_ERROR, "Cannot read " + path + ": " + e.getMessage(), e);
    }
  }

  /**
   * Uses Lockplane JSON text.
   *
   * @param name the name shown in error messages
   * @param json the document
   * @return the desired state
   */
  public static Desired json(String name, String json) {
    return new Desired(null, json, name, null);
  }

  /**
   * Uses a model as it is (it is still normalized through a scratch database before planning).
   *
   * @param schema the model
   * @return the desired state
   */
  public static Desired schema(DatabaseSchema schema) {
    return new Desired(null, null, null, Objects.requireNonNull(schema, "schema"));
  }

  /**
   * The empty desired state, for when a database with no objects is really what is wanted: planned
   * against a database it drops everything (and apply still refuses to drop tables holding rows
   * unless the planner allows data loss).
   *
   * @return the empty desired state
   */
  public static Desired empty() {
    return EMPTY;
  }

  boolean isExplicitlyEmpty() {
    return this == EMPTY;
  }

  /** Names the source in messages: its files, its JSON document, or "(a model)". */
  String describe() {
    if (jsonName != null) {
      return jsonName;
    }
    if (schema != null) {
      return "(a model built in code)";
    }
    return scripts.isEmpty() ? "(no scripts)" : scripts.stream().map(Script::name).limit(5)
        .collect(java.util.stream.Collectors.joining(", ")) + (scripts.size() > 5 ? ", ..." : "");
  }

  List<Script> scripts() {
    return scripts;
  }

  String json() {
    return json;
  }

  String jsonName() {
    return jsonName;
  }

  DatabaseSchema schema() {
    return schema;
  }
}
