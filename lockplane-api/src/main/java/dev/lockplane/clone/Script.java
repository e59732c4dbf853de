package dev.lockplane.clone;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * A SQL script: a name (shown in errors) and its text. Made from a file, a classpath resource or a
 * string. The text is read once, when the script is made, so that its {@linkplain #sha256() hash}
 * describes exactly what is run.
 *
 * @param name the file path, {@code classpath:} resource or given name
 * @param sql the script's text
 */
public record Script(String name, String sql) {

  /** Validates the components. */
  public Script {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(sql, "sql");
  }

  /**
   * Reads a script from a file (UTF-8).
   *
   * @param file the script file
   * @return the script
   * @throws dev.lockplane.LockplaneException with {@code IO_ERROR} if the file cannot be read
   */
  public static Script file(Path file) {
    Objects.requireNonNull(file, "file");
    try {
      return new Script(file.toString(), Files.readString(file, StandardCharsets.UTF_8));
    } catch (IOException | UncheckedIOException e) {
      throw new dev.lockplane.LockplaneException(
          dev.lockplane.ErrorCode.IO_ERROR,
          "Cannot read SQL script " + file.toAbsolutePath() + ": " + e
              + ". Check that the file exists and is readable.",
          e);
    }
  }

  /**
   * Reads every {@code .sql} file below a directory (UTF-8), in the order they run: Flyway-style
   * versioned files ({@code V<version>__<description>.sql}, with a version such as {@code 2}, {@code
   * 1.10} or {@code 2_1} compared part by part as numbers, so {@code V2__x.sql} comes before {@code
   * V10__y.sql}) first, by version; then every other file, by its path relative to the directory.
   *
   * <pre>{@code
   * List<Script> migrations = Script.directory(Path.of("db/migration"));
   * }</pre>
   *
   * @param directory the directory
   * @return the scripts, in run order; empty when there is no {@code .sql} file
   * @throws dev.lockplane.LockplaneException with {@code IO_ERROR} if the directory or a file cannot
   *     be read
   */
  public static List<Script> directory(Path directory) {
    Objects.requireNonNull(directory, "directory");
    try (Stream<Path> files = Files.walk(directory)) {
      return files.filter(f -> f.getFileName().toString().endsWith(".sql") && Files.isRegularFile(f))
          .sorted(new ScriptOrder(directory))
          .map(Script::file)
          .toList();
    } catch (IOException | UncheckedIOException e) {
      throw new dev.lockplane.LockplaneException(
          dev.lockplane.ErrorCode.IO_ERROR,
          "Cannot read the SQL scripts of directory " + directory.toAbsolutePath() + ": " + e
              + ". Check that it exists and is readable.",
          e);
    }
  }

  /**
   * Reads a script from a file, or every script of a directory in run order (see {@link
   * #directory(Path)}).
   *
   * @param fileOrDirectory a script file or a directory of them
   * @return the scripts
   * @throws dev.lockplane.LockplaneException with {@code IO_ERROR} if something cannot be read
   */
  public static List<Script> files(Path fileOrDirectory) {
    return Files.isDirectory(Objects.requireNonNull(fileOrDirectory, "fileOrDirectory"))
        ? directory(fileOrDirectory)
        : List.of(file(fileOrDirectory));
  }

  /**
   * Reads a script from the classpath (UTF-8), with the context class loader.
   *
   * @param resource the resource path, such as {@code db/schema.sql}
   * @return the script
   * @throws dev.lockplane.LockplaneException with {@code IO_ERROR} if there is no such resource
   */
  public static Script classpath(String resource) {
    Objects.requireNonNull(resource, "resource");
    String path = resource.startsWith("/") ? resource.substring(1) : resource;
    ClassLoader loader = Thread.currentThread().getContextClassLoader();
    if (loader == null) {
      loader = Script.class.getClassLoader();
    }
    try (InputStream in = loader.getResourceAsStream(path)) {
      if (in == null) {
        throw new dev.lockplane.LockplaneException(
            dev.lockplane.ErrorCode.IO_ERROR,
            "No SQL script on the classpath at '" + path
                + "'. Put it under src/test/resources (or src/main/resources) or give a file path.");
      }
      return new Script("classpath:" + path, new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new dev.lockplane.LockplaneException(
          dev.lockplane.ErrorCode.IO_ERROR, "Cannot read SQL script classpath:" + path + ": " + e, e);
    }
  }

  /**
   * Makes a script from text.
   *
   * @param name a name shown in error messages
   * @param sql the SQL text
   * @return the script
   */
  public static Script of(String name, String sql) {
    return new Script(name, sql);
  }

  /** Returns the hex SHA-256 of the script's text. */
  public String sha256() {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(md.digest(sql.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public String toString() {
    return "Script[" + name + ", " + sql.length() + " chars]";
  }
}
