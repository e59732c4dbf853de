package dev.lockplane.internal.testkit;

import dev.lockplane.LockplaneException;
import dev.lockplane.clone.Golden;
import dev.lockplane.clone.Script;
import dev.lockplane.clones.SubsetFiles;
import dev.lockplane.golden.Masking;
import dev.lockplane.testkit.LockplaneTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;

/**
 * What a {@code @LockplaneTest} class builds its golden from: scripts, a Flyway location, a
 * Liquibase changelog, or a server or backup named in the configuration parameters — one of them.
 */
public final class GoldenSources {
  private GoldenSources() {}

  /**
   * Reads the golden of a test class.
   *
   * @param a the class's annotation
   * @param param the configuration parameters (blank ones absent)
   * @param env the environment, which holds a named source's password
   * @param where the annotation's place, for messages
   * @return the golden
   * @throws ExtensionConfigurationException for sources that conflict or are incomplete
   */
  public static Golden of(LockplaneTest a, Function<String, Optional<String>> param, Function<String, String> env, String where) {
    List<String> given = new ArrayList<>();
    if (a.scripts().length > 0) {
      given.add("scripts");
    }
    if (a.flyway().length > 0) {
      given.add("flyway");
    }
    if (!a.liquibase().isBlank()) {
      given.add("liquibase");
    }
    if (!a.source().isBlank()) {
      given.add("source");
    }
    if (given.size() > 1) {
      throw new ExtensionConfigurationException(where + " sets " + String.join(" and ", given)
          + ", but a golden is built from one source: keep one of them.");
    }
    if (!a.contexts().isBlank() && a.liquibase().isBlank()) {
      throw new ExtensionConfigurationException(where + " sets contexts, which only a Liquibase changelog has: set liquibase, or drop contexts.");
    }
    if (a.placeholders().length > 0 && a.flyway().length == 0 && a.liquibase().isBlank()) {
      throw new ExtensionConfigurationException(where + " sets placeholders, which only Flyway and Liquibase have: set flyway or liquibase, or drop placeholders.");
    }
    if (a.flyway().length > 0) {
      return Golden.fromFlyway(a.flyway()).placeholders(placeholders(a.placeholders(), where));
    }
    if (!a.liquibase().isBlank()) {
      return Golden.fromLiquibase(a.liquibase().trim()).contexts(a.contexts().trim())
          .parameters(placeholders(a.placeholders(), where));
    }
    if (!a.source().isBlank()) {
      String name = a.source().trim();
      Golden source = subset(name, named(name, param, env, where), param, where);
      Optional<Masking> masking = Masks.of(name, param, where);
      return masking.isPresent() ? source.masked(masking.get()) : source;
    }
    List<Script> out = new ArrayList<>();
    for (String s : a.scripts()) {
      out.add(script(s, where));
    }
    return Golden.fromScripts(out);
  }

  private static Golden named(String name, Function<String, Optional<String>> param, Function<String, String> env, String where) {
    if (param.apply("lockplane.golden." + name + ".backup").isEmpty()) {
      return server(name, param, env, where);
    }
    try {
      // checked before BackupSources is loaded: it names the backup module's types
      Class.forName("dev.lockplane.backup.BackupRepository", false, GoldenSources.class.getClassLoader());
    } catch (ClassNotFoundException | LinkageError e) {
      throw new ExtensionConfigurationException(where + " names the golden source '" + name + "', a backup"
          + " (lockplane.golden." + name + ".backup), but lockplane-backup is not on the test class path: add the test"
          + " dependency dev.lockplane:lockplane-backup.");
    }
    return BackupSources.golden(name, param, env, where);
  }

  /**
   * Reads a server source from the parameters {@code lockplane.golden.NAME.url}, {@code .user},
   * {@code .password-env}, {@code .transfer} and {@code .jobs}.
   *
   * @param name the source's name
   * @param param the configuration parameters (blank ones absent)
   * @param env the environment
   * @param where the annotation's place, for messages
   * @return the golden
   * @throws ExtensionConfigurationException when a parameter is missing or invalid
   */
  public static Golden.FromServer server(
      String name, Function<String, Optional<String>> param, Function<String, String> env, String where) {
    String p = "lockplane.golden." + name + ".";
    if (param.apply(p + "password").isPresent()) {
      throw new ExtensionConfigurationException("Configuration parameter " + p + "password is set, but a password is never"
          + " read from the configuration: put it in an environment variable and name that variable in " + p + "password-env.");
    }
    String url = param.apply(p + "url").orElseThrow(() -> new ExtensionConfigurationException(
        where + " names the golden source '" + name + "', but configuration parameter " + p + "url is not set: set it"
            + " (junit-platform.properties or -D" + p + "url=postgres://host:5432/db) along with " + p + "user."));
    String user = param.apply(p + "user").orElseThrow(() -> new ExtensionConfigurationException(
        where + " names the golden source '" + name + "', but configuration parameter " + p + "user is not set: give the role to read as."));
    String password = password(p, param, env);
    Golden.Transfer transfer = param.apply(p + "transfer").map(v -> {
      try {
        return Golden.Transfer.valueOf(v.toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new ExtensionConfigurationException("Configuration parameter " + p + "transfer = '" + v + "' is not logical or physical.");
      }
    }).orElse(Golden.Transfer.LOGICAL);
    int jobs = param.apply(p + "jobs").map(v -> {
      try {
        return Integer.parseInt(v);
      } catch (NumberFormatException e) {
        return 0;
      }
    }).orElse(2);
    if (jobs < 1) {
      throw new ExtensionConfigurationException("Configuration parameter " + p + "jobs = '" + param.apply(p + "jobs").orElse("")
          + "' is not a number of at least 1.");
    }
    try {
      return new Golden.FromServer(url, user, password, transfer, jobs);
    } catch (IllegalArgumentException e) {
      throw new ExtensionConfigurationException(where + ": golden source '" + name + "': " + e.getMessage(), e);
    }
  }

  /**
   * Applies the subset file that {@code lockplane.golden.NAME.subset} names ({@code classpath:…} or
   * a path), when it is set.
   */
  private static Golden subset(String name, Golden golden, Function<String, Optional<String>> param, String where) {
    String p = "lockplane.golden." + name + ".subset";
    Optional<String> file = param.apply(p);
    if (file.isEmpty()) {
      return golden;
    }
    ClassLoader cl = Thread.currentThread().getContextClassLoader();
    try {
      return golden.subset(SubsetFiles.read(file.get().trim(), cl != null ? cl : GoldenSources.class.getClassLoader()));
    } catch (LockplaneException e) {
      throw new ExtensionConfigurationException(where + ": configuration parameter " + p + ": " + e.getMessage(), e);
    }
  }

  /** The password of a named source: from the environment variable or the file its parameters name. */
  private static String password(String p, Function<String, Optional<String>> param, Function<String, String> env) {
    Optional<String> passwordEnv = param.apply(p + "password-env");
    Optional<String> passwordFile = param.apply(p + "password-file");
    if (passwordEnv.isPresent() && passwordFile.isPresent()) {
      throw new ExtensionConfigurationException("Configuration parameters " + p + "password-env and " + p
          + "password-file are both set: keep one.");
    }
    if (passwordEnv.isPresent()) {
      String password = env.apply(passwordEnv.get());
      if (password == null) {
        throw new ExtensionConfigurationException(p + "password-env names the environment variable " + passwordEnv.get()
            + ", which is not set: export it before the tests run.");
      }
      return password;
    }
    if (passwordFile.isPresent()) {
      Path file = Path.of(passwordFile.get());
      try {
        return Files.readString(file).strip();
      } catch (java.io.IOException e) {
        throw new ExtensionConfigurationException(p + "password-file names " + file.toAbsolutePath()
            + ", which cannot be read (" + e.getClass().getSimpleName() + "): check the path and its permissions.");
      }
    }
    return null;
  }

  private static Map<String, String> placeholders(String[] pairs, String where) {
    Map<String, String> out = new LinkedHashMap<>();
    for (String pair : pairs) {
      int eq = pair.indexOf('=');
      if (eq <= 0) {
        throw new ExtensionConfigurationException(where + ": placeholder '" + pair + "' is not name=value.");
      }
      String key = pair.substring(0, eq).trim();
      if (out.put(key, pair.substring(eq + 1)) != null) {
        throw new ExtensionConfigurationException(where + ": placeholder '" + key + "' is set twice.");
      }
    }
    return out;
  }

  private static Script script(String ref, String where) {
    try {
      if (ref.startsWith("classpath:")) {
        return Script.classpath(ref.substring("classpath:".length()));
      }
      if (ref.startsWith("file:")) {
        return Script.file(Path.of(ref.substring("file:".length())));
      }
      ClassLoader cl = Thread.currentThread().getContextClassLoader();
      String res = ref.startsWith("/") ? ref.substring(1) : ref;
      if (cl != null && cl.getResource(res) != null) {
        return Script.classpath(res);
      }
      if (Files.isRegularFile(Path.of(ref))) {
        return Script.file(Path.of(ref));
      }
      throw new ExtensionConfigurationException(
          where + ": script '" + ref + "' is neither on the classpath nor a file (relative to "
              + Path.of("").toAbsolutePath() + "). Put it under src/test/resources, or give a path with 'file:'.");
    } catch (LockplaneException e) {
      throw new ExtensionConfigurationException(where + ": " + e.getMessage(), e);
    }
  }
}
