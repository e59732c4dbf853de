package dev.lockplane.golden;

import dev.lockplane.ErrorCode;
import dev.lockplane.LockplaneException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Where the masking key is found: an environment variable or a file, never the key itself, so a
 * {@link Masking} can be described, hashed and logged without revealing it. The key is read when
 * masking runs (and when the golden's content hash is computed).
 *
 * @param kind where the key is
 * @param reference the variable's name or the file's path
 */
public record MaskingKey(Kind kind, String reference) {

  /** Where a key is kept. */
  public enum Kind {
    /** An environment variable. */
    ENVIRONMENT,
    /** A file; its content, without surrounding white space, is the key. */
    FILE
  }

  /** Validates the components. */
  public MaskingKey {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(reference, "reference");
    if (reference.isBlank()) {
      throw new IllegalArgumentException("A masking key reference needs a variable name or a path");
    }
  }

  /**
   * A key kept in an environment variable.
   *
   * @param variable the variable's name, such as {@code LOCKPLANE_MASK_KEY}
   * @return the reference
   */
  public static MaskingKey environment(String variable) {
    return new MaskingKey(Kind.ENVIRONMENT, variable);
  }

  /**
   * A key kept in a file.
   *
   * @param file the file
   * @return the reference
   */
  public static MaskingKey file(Path file) {
    return new MaskingKey(Kind.FILE, file.toString());
  }

  /**
   * Reads the key. Never log or print the result.
   *
   * @return the key
   * @throws LockplaneException with {@link ErrorCode#KEY_UNAVAILABLE} when the variable is unset or
   *     empty, or the file cannot be read or is empty
   */
  public String secret() {
    String key;
    if (kind == Kind.ENVIRONMENT) {
      key = System.getenv(reference);
      if (key == null || key.isBlank()) {
        throw new LockplaneException(ErrorCode.KEY_UNAVAILABLE, "The masking key is read from the environment variable "
            + reference + ", which is " + (key == null ? "not set" : "empty") + ". Set it before preparing the golden.");
      }
    } else {
      try {
        key = Files.readString(Path.of(reference), StandardCharsets.UTF_8).strip();
      } catch (IOException e) {
        throw new LockplaneException(ErrorCode.KEY_UNAVAILABLE, "Cannot read the masking key file " + reference + ": "
            + e.getClass().getSimpleName() + ". Create it or point the masking at another file.", e);
      }
      if (key.isEmpty()) {
        throw new LockplaneException(ErrorCode.KEY_UNAVAILABLE,
            "The masking key file " + reference + " is empty. Write the key into it.");
      }
    }
    return key;
  }

  /**
   * Returns a keyed fingerprint of the key (HMAC-SHA-256 of a fixed label): it changes when the key
   * changes, so a golden is rebuilt, but it reveals nothing about the key.
   *
   * @return 16 hex digits
   */
  public String fingerprint() {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret().getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      byte[] d = mac.doFinal("lockplane masking key fingerprint".getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(d, 0, 8);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Describes where the key is, such as {@code key from $LOCKPLANE_MASK_KEY}.
   *
   * @return the description
   */
  @Override
  public String toString() {
    return kind == Kind.ENVIRONMENT ? "key from $" + reference : "key from file " + reference;
  }
}
