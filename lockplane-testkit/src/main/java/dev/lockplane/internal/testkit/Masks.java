package dev.lockplane.internal.testkit;

import dev.lockplane.LockplaneException;
import dev.lockplane.clones.MaskingFiles;
import dev.lockplane.golden.Masking;
import dev.lockplane.golden.MaskingKey;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;

/**
 * The masking of a golden source named in the configuration parameters:
 * {@code lockplane.golden.NAME.mask} ({@code classpath:masking.json} or a path), {@code .mask-strict}
 * ({@code true}/{@code false}) and the key when the rules file names none, {@code .mask-key-env} or
 * {@code .mask-key-file}.
 */
final class Masks {
  private Masks() {}

  static Optional<Masking> of(String name, Function<String, Optional<String>> param, String where) {
    String p = "lockplane.golden." + name + ".";
    Optional<String> rules = param.apply(p + "mask");
    Optional<String> strict = param.apply(p + "mask-strict");
    Optional<String> keyEnv = param.apply(p + "mask-key-env");
    Optional<String> keyFile = param.apply(p + "mask-key-file");
    if (rules.isEmpty()) {
      if (strict.isPresent() || keyEnv.isPresent() || keyFile.isPresent()) {
        throw new ExtensionConfigurationException("Configuration parameters " + p + "mask-strict, " + p + "mask-key-env"
            + " and " + p + "mask-key-file go with " + p + "mask, which is not set: set it to classpath:RULES.json or a path.");
      }
      return Optional.empty();
    }
    if (keyEnv.isPresent() && keyFile.isPresent()) {
      throw new ExtensionConfigurationException("Configuration parameters " + p + "mask-key-env and " + p
          + "mask-key-file are both set: keep one.");
    }
    MaskingKey key = keyEnv.map(MaskingKey::environment).orElse(keyFile.map(f -> MaskingKey.file(Path.of(f))).orElse(null));
    boolean isStrict = strict.map(v -> switch (v.trim().toLowerCase(Locale.ROOT)) {
      case "true" -> true;
      case "false" -> false;
      default -> throw new ExtensionConfigurationException("Configuration parameter " + p + "mask-strict = '" + v
          + "' is not true or false.");
    }).orElse(false);
    String location = rules.get().trim();
    String text;
    Path base = null;
    if (location.startsWith("classpath:")) {
      String resource = location.substring("classpath:".length()).replaceFirst("^/", "");
      ClassLoader cl = Thread.currentThread().getContextClassLoader() != null
          ? Thread.currentThread().getContextClassLoader() : Masks.class.getClassLoader();
      try (InputStream in = cl.getResourceAsStream(resource)) {
        if (in == null) {
          throw new ExtensionConfigurationException(where + ": configuration parameter " + p + "mask names " + location
              + ", which is not on the test class path: put it under src/test/resources.");
        }
        text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new ExtensionConfigurationException("Cannot read " + location + " (" + p + "mask): " + e);
      }
    } else {
      Path file = Path.of(location);
      try {
        text = Files.readString(file, StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new ExtensionConfigurationException(where + ": configuration parameter " + p + "mask names "
            + file.toAbsolutePath() + ", which cannot be read (" + e.getClass().getSimpleName() + "): check the path.");
      }
      base = file.toAbsolutePath().getParent();
    }
    try {
      Masking m = MaskingFiles.parse(text, location, base, key);
      return Optional.of(strict.isPresent() ? m.withStrict(isStrict) : m);
    } catch (LockplaneException e) {
      throw new ExtensionConfigurationException(where + ": " + e.getMessage(), e);
    }
  }
}
