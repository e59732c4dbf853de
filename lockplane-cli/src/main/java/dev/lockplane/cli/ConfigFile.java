package dev.lockplane.cli;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import dev.lockplane.ErrorCode;
import dev.lockplane.LockplaneException;
import dev.lockplane.internal.sql.JdbcUrls;
import dev.lockplane.safety.SafetyLevel;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * {@code lockplane.toml}: named environments (see docs/environments.md and its JSON Schema). Reading
 * is strict: an unknown key fails with its path and line, a malformed file with its line, and a
 * literal password (a {@code password} key, or one inside a URL) is refused, since the file is meant
 * to be committed.
 *
 * @param file the file read
 * @param environments the environments by name
 * @param clones the settings of the clone commands ({@code [clones]}); every field null when absent
 */
record ConfigFile(Path file, Map<String, Environment> environments, Clones clones) {
  /** The file name looked for in the working directory and its parents. */
  static final String NAME = "lockplane.toml";

  static final Set<String> KEYS = Set.of("url", "user", "password-env", "password-file", "schema", "scratch-url",
      "safety", "lock-timeout", "statement-timeout", "lock-wait", "trace-ignore", "ignore", "backup", "backup-keyset",
      "backup-keyset-env", "backup-passphrase-env", "backup-unencrypted");

  /** The keys of the {@code [clones]} table. */
  static final Set<String> CLONE_KEYS = Set.of("max-age", "prefix");

  /**
   * The {@code [clones]} table: defaults of {@code lockplane golden} and {@code lockplane clone}.
   *
   * @param maxAge warn when a golden's data is older than this, or null
   * @param prefix the database prefix of database-level clones, or null
   */
  record Clones(Duration maxAge, String prefix) {
    static final Clones NONE = new Clones(null, null);
  }

  /**
   * One environment; null for what it does not set.
   *
   * @param name its name
   * @param url the database URL (no password in it)
   * @param user the user
   * @param passwordEnv the environment variable holding the password
   * @param passwordFile the file whose first line is the password (resolved against the config's directory)
   * @param schema the desired schema (resolved against the config's directory)
   * @param scratchUrl the server for scratch databases
   * @param safety the safety level
   * @param lockTimeout lock_timeout while applying
   * @param statementTimeout statement_timeout while applying
   * @param lockWait how long an apply waits for another
   * @param traceIgnore trace rules {@code lockplane trace} ignores
   * @param ignore plan rules whose findings plans for this environment leave out
   * @param backup the backup repository and its keys, or null when the environment sets none of them
   */
  record Environment(String name, String url, String user, String passwordEnv, Path passwordFile, Path schema,
      String scratchUrl, SafetyLevel safety, Duration lockTimeout, Duration statementTimeout, Duration lockWait,
      List<String> traceIgnore, List<String> ignore, Backup backup) {}

  /**
   * An environment's backup repository ({@code backup*} keys); null for what it does not set. Keys are
   * named by file or variable only, never written in the file.
   *
   * @param repository an absolute directory, or an {@code s3://} or {@code file:} URI without credentials
   * @param keyset the keyset file (resolved against the config's directory)
   * @param keysetEnv the environment variable holding the keyset JSON
   * @param passphraseEnv the environment variable holding the keyset's passphrase
   * @param unencrypted whether the repository is kept in clear
   */
  record Backup(String repository, Path keyset, String keysetEnv, String passphraseEnv, boolean unencrypted) {}

  /** Returns {@code lockplane.toml} in {@code dir} or the nearest parent that has one, or null. */
  static Path find(Path dir) {
    for (Path d = dir.toAbsolutePath().normalize(); d != null; d = d.getParent()) {
      Path candidate = d.resolve(NAME);
      if (Files.isRegularFile(candidate)) {
        return candidate;
      }
    }
    return null;
  }

  /** Reads and checks a configuration file. */
  static ConfigFile read(Path file) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new LockplaneException(ErrorCode.IO_ERROR, "Cannot read the configuration " + file + ": " + e.getMessage(), e);
    }
    JsonNode root;
    try {
      root = new TomlMapper().readTree(text);
    } catch (JacksonException e) {
      JsonLocation at = e.getLocation();
      String where = at == null || at.getLineNr() < 1 ? "" : " line " + at.getLineNr()
          + (at.getColumnNr() > 0 ? ", column " + at.getColumnNr() : "");
      throw invalid(file, where, "is not valid TOML: " + e.getOriginalMessage());
    }
    Path dir = file.toAbsolutePath().getParent();
    Map<String, Environment> envs = new TreeMap<>();
    Clones clones = Clones.NONE;
    for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext();) {
      Map.Entry<String, JsonNode> top = it.next();
      if (top.getKey().equals("clones")) {
        clones = clones(file, text, top.getValue());
        continue;
      }
      if (!top.getKey().equals("environments")) {
        throw invalid(file, line(text, null, top.getKey()), top.getKey() + ": unknown key '" + top.getKey()
            + "'; the file has two tables, [environments.NAME] and [clones]");
      }
      if (!top.getValue().isObject()) {
        throw invalid(file, "", "environments: must be a table of environments ([environments.NAME])");
      }
      for (Iterator<Map.Entry<String, JsonNode>> e = top.getValue().fields(); e.hasNext();) {
        Map.Entry<String, JsonNode> env = e.next();
        envs.put(env.getKey(), environment(file, text, dir, env.getKey(), env.getValue()));
      }
    }
    return new ConfigFile(file, envs, clones);
  }

  private static Clones clones(Path file, String text, JsonNode node) {
    if (!node.isObject()) {
      throw invalid(file, "", "clones: must be a table of settings ([clones])");
    }
    for (Iterator<String> keys = node.fieldNames(); keys.hasNext();) {
      String key = keys.next();
      if (!CLONE_KEYS.contains(key)) {
        throw invalid(file, cloneLine(text, key), "clones." + key + ": unknown key '" + key + "'; known keys: "
            + String.join(", ", new java.util.TreeSet<>(CLONE_KEYS)));
      }
    }
    Duration maxAge = null;
    String age = cloneString(file, text, node, "max-age");
    if (age != null) {
      try {
        maxAge = new DurationConverter().convert(age);
      } catch (RuntimeException e) {
        throw invalid(file, cloneLine(text, "max-age"), "clones.max-age: " + e.getMessage());
      }
    }
    String prefix = cloneString(file, text, node, "prefix");
    if (prefix != null && !prefix.matches("[a-z][a-z0-9_]{0,19}")) {
      throw invalid(file, cloneLine(text, "prefix"), "clones.prefix: '" + prefix
          + "' is not a database prefix; use 1 to 20 lower-case letters, digits or '_', starting with a letter");
    }
    return new Clones(maxAge, prefix);
  }

  private static String cloneString(Path file, String text, JsonNode node, String key) {
    JsonNode v = node.get(key);
    if (v == null) {
      return null;
    }
    if (!v.isTextual() || v.asText().isBlank()) {
      throw invalid(file, cloneLine(text, key), "clones." + key + ": must be a non-empty string");
    }
    return v.asText();
  }

  /** The line of a key of the {@code [clones]} table, as {@code " line N"}, or empty. */
  private static String cloneLine(String text, String key) {
    List<String> lines = text.lines().toList();
    Pattern keyLine = Pattern.compile("^\\s*\"?" + Pattern.quote(key) + "\"?\\s*=.*");
    boolean inTable = false;
    for (int i = 0; i < lines.size(); i++) {
      String l = lines.get(i).trim();
      if (l.startsWith("[")) {
        inTable = l.matches("\\[\\s*clones\\s*\\]\\s*(#.*)?");
        continue;
      }
      if (inTable && keyLine.matcher(l).matches()) {
        return " line " + (i + 1);
      }
    }
    return "";
  }

  private static Environment environment(Path file, String text, Path dir, String name, JsonNode node) {
    String path = "environments." + name;
    if (!node.isObject()) {
      throw invalid(file, "", path + ": must be a table of settings ([" + path + "])");
    }
    for (Iterator<String> keys = node.fieldNames(); keys.hasNext();) {
      String key = keys.next();
      if (key.equals("password")) {
        throw invalid(file, line(text, name, key), path + ".password: a literal password is not allowed in the "
            + "configuration (it is meant to be committed). Name where it is instead: password-env = \"VARIABLE\", "
            + "password-file = \"PATH\", or a line in ~/.pgpass.");
      }
      if (!KEYS.contains(key)) {
        throw invalid(file, line(text, name, key), path + "." + key + ": unknown key '" + key + "'; known keys: "
            + String.join(", ", new java.util.TreeSet<>(KEYS)));
      }
    }
    String url = string(file, text, name, node, "url");
    if (url != null && JdbcUrls.passwordOf(url) != null) {
      throw invalid(file, line(text, name, "url"), path + ".url: the URL holds a password; a literal password is "
          + "not allowed in the configuration. Remove it and use password-env, password-file or ~/.pgpass.");
    }
    String passwordFile = string(file, text, name, node, "password-file");
    String schema = string(file, text, name, node, "schema");
    String safety = string(file, text, name, node, "safety");
    SafetyLevel level = null;
    if (safety != null) {
      try {
        level = SafetyLevel.valueOf(safety.toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException ex) {
        throw invalid(file, line(text, name, "safety"), path + ".safety: '" + safety
            + "' is not one of strict, moderate, permissive");
      }
    }
    return new Environment(name, url, string(file, text, name, node, "user"),
        string(file, text, name, node, "password-env"), passwordFile == null ? null : dir.resolve(passwordFile),
        schema == null ? null : dir.resolve(schema), string(file, text, name, node, "scratch-url"), level,
        duration(file, text, name, node, "lock-timeout"), duration(file, text, name, node, "statement-timeout"),
        duration(file, text, name, node, "lock-wait"), traceIgnore(file, text, name, node),
        planIgnore(file, text, name, node), backup(file, text, dir, name, node));
  }

  /** The {@code backup*} keys, or null when none is set. */
  private static Backup backup(Path file, String text, Path dir, String env, JsonNode node) {
    String path = "environments." + env;
    String repository = string(file, text, env, node, "backup");
    if (repository != null) {
      repository = repository(file, text, dir, env, repository);
    }
    String keyset = string(file, text, env, node, "backup-keyset");
    String keysetEnv = string(file, text, env, node, "backup-keyset-env");
    String passphraseEnv = string(file, text, env, node, "backup-passphrase-env");
    boolean unencrypted = false;
    JsonNode u = node.get("backup-unencrypted");
    if (u != null) {
      if (!u.isBoolean()) {
        throw invalid(file, line(text, env, "backup-unencrypted"), path + ".backup-unencrypted: must be true or false");
      }
      unencrypted = u.booleanValue();
    }
    if (keyset != null && keysetEnv != null) {
      throw invalid(file, line(text, env, "backup-keyset-env"), path + ": give backup-keyset or backup-keyset-env, not both");
    }
    if (unencrypted && (keyset != null || keysetEnv != null)) {
      throw invalid(file, line(text, env, "backup-unencrypted"), path + ".backup-unencrypted: the environment also names a "
          + "keyset; keep one of them");
    }
    if (repository == null && keyset == null && keysetEnv == null && passphraseEnv == null && u == null) {
      return null;
    }
    return new Backup(repository, keyset == null ? null : dir.resolve(keyset), keysetEnv, passphraseEnv, unencrypted);
  }

  /** Names that mark a query parameter as a credential: such a URI would put a secret in a committed file. */
  private static final Pattern CREDENTIAL = Pattern.compile("(?i).*(access|secret|key|token|password|passwd|credential"
      + "|signature|session).*");

  /** A {@code backup} value: a URI as written (refused when it carries credentials), a directory made absolute. */
  private static String repository(Path file, String text, Path dir, String env, String value) {
    String key = "environments." + env + ".backup";
    if (!value.matches("(?i)[a-z][a-z0-9+.-]*:.*")) {
      return dir.resolve(value).normalize().toString();
    }
    URI uri;
    try {
      uri = new URI(value);
    } catch (URISyntaxException e) {
      // the value is not echoed: a malformed URI may still hold a secret
      throw invalid(file, line(text, env, "backup"), key + ": not a valid URI (" + e.getReason() + "); give a directory "
          + "or s3://bucket/prefix/?endpoint=URL&region=R&pathStyle=true");
    }
    String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("s3") && !scheme.equals("file")) {
      throw invalid(file, line(text, env, "backup"), key + ": scheme '" + scheme + "' is not a backup repository; give a "
          + "directory, file:DIR or s3://bucket/prefix/");
    }
    boolean credentials = uri.getRawUserInfo() != null;
    if (uri.getRawQuery() != null) {
      for (String param : uri.getRawQuery().split("&")) {
        credentials |= CREDENTIAL.matcher(param.split("=", 2)[0]).matches();
      }
    }
    if (credentials) {
      throw invalid(file, line(text, env, "backup"), key + ": the URI holds credentials; they are not allowed in the "
          + "configuration (it is meant to be committed). Remove them: S3 credentials come from the AWS environment "
          + "(AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, AWS_PROFILE, or an instance role).");
    }
    return value;
  }

  /** {@code ignore = ["rule-id", …]}: plan rules whose findings are left out of this environment's plans. */
  private static List<String> planIgnore(Path file, String text, String env, JsonNode node) {
    JsonNode v = node.get("ignore");
    if (v == null) {
      return List.of();
    }
    String where = line(text, env, "ignore");
    if (!v.isArray()) {
      throw invalid(file, where, "environments." + env + ".ignore: must be a list of plan rule ids, such as "
          + "[\"breaks-consumers\"]");
    }
    java.util.Set<String> known = dev.lockplane.planner.Planner.ruleIds();
    List<String> out = new ArrayList<>();
    for (JsonNode id : v) {
      if (!id.isTextual() || !known.contains(id.asText())) {
        throw invalid(file, where, "environments." + env + ".ignore: '" + id.asText() + "' is not a plan rule; "
            + "known rules: " + String.join(", ", known));
      }
      out.add(id.asText());
    }
    return List.copyOf(out);
  }

  /** {@code trace-ignore = ["rule-id", …]}: rules {@code lockplane trace} ignores for this environment. */
  private static List<String> traceIgnore(Path file, String text, String env, JsonNode node) {
    JsonNode v = node.get("trace-ignore");
    if (v == null) {
      return List.of();
    }
    String where = line(text, env, "trace-ignore");
    if (!v.isArray()) {
      throw invalid(file, where, "environments." + env + ".trace-ignore: must be a list of rule ids, such as [\"drop-column\"]");
    }
    List<String> out = new ArrayList<>();
    for (JsonNode id : v) {
      if (!id.isTextual() || dev.lockplane.trace.TraceRule.byId(id.asText()).isEmpty()) {
        throw invalid(file, where, "environments." + env + ".trace-ignore: '" + id.asText() + "' is not a trace rule; "
            + "known rules: " + String.join(", ", java.util.Arrays.stream(dev.lockplane.trace.TraceRule.values())
            .map(dev.lockplane.trace.TraceRule::id).toList()));
      }
      out.add(id.asText());
    }
    return List.copyOf(out);
  }

  private static String string(Path file, String text, String env, JsonNode node, String key) {
    JsonNode v = node.get(key);
    if (v == null) {
      return null;
    }
    if (!v.isTextual() || v.asText().isBlank()) {
      throw invalid(file, line(text, env, key), "environments." + env + "." + key + ": must be a non-empty string");
    }
    return v.asText();
  }

  private static Duration duration(Path file, String text, String env, JsonNode node, String key) {
    String v = string(file, text, env, node, key);
    try {
      return v == null ? null : new DurationConverter().convert(v);
    } catch (RuntimeException e) {
      throw invalid(file, line(text, env, key), "environments." + env + "." + key + ": " + e.getMessage());
    }
  }

  /**
   * The line of {@code key} in the table of environment {@code env} (the top level when null), as
   * {@code " line N"}; empty when it cannot be found (a key written as a dotted or inline table).
   */
  static String line(String text, String env, String key) {
    List<String> lines = new ArrayList<>(text.lines().toList());
    Pattern keyLine = Pattern.compile("^\\s*\"?" + Pattern.quote(key) + "\"?\\s*=.*");
    Pattern header = env == null ? null
        : Pattern.compile("^\\s*\\[\\s*environments\\s*\\.\\s*\"?" + Pattern.quote(env) + "\"?\\s*\\]\\s*(#.*)?$");
    boolean inTable = env == null;
    for (int i = 0; i < lines.size(); i++) {
      String l = lines.get(i);
      if (l.trim().startsWith("[")) {
        inTable = header != null && header.matcher(l).matches();
        continue;
      }
      if (inTable && keyLine.matcher(l).matches()) {
        return " line " + (i + 1);
      }
    }
    return "";
  }

  private static LockplaneException invalid(Path file, String where, String what) {
    return new LockplaneException(ErrorCode.INVALID_CONFIGURATION, file + where + ": " + what);
  }

  /** Returns the named environment, or fails naming the ones there are. */
  Environment environment(String name) {
    Environment e = environments.get(name);
    if (e == null) {
      throw new LockplaneException(ErrorCode.INVALID_CONFIGURATION, "No environment '" + name + "' in " + file
          + (environments.isEmpty() ? "; it defines none" : "; it defines: " + String.join(", ", environments.keySet())));
    }
    return e;
  }
}
