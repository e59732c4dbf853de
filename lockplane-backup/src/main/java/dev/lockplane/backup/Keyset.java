package dev.lockplane.backup;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.Parameters;
import com.google.crypto.tink.StreamingAead;
import com.google.crypto.tink.TinkJsonProtoKeysetFormat;
import com.google.crypto.tink.streamingaead.AesGcmHkdfStreamingParameters;
import com.google.crypto.tink.streamingaead.StreamingAeadConfig;
import com.google.crypto.tink.subtle.AesGcmJce;
import dev.lockplane.ErrorCode;
import dev.lockplane.LockplaneException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.security.spec.KeySpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * The keys that encrypt and decrypt backups: a Tink keyset of AES-256-GCM-HKDF streaming keys.
 *
 * <pre>{@code
 * Keyset keys = Keyset.generate();
 * keys.writeTo(Path.of("backup-keys.json"), passphrase);        // keep it out of the repository
 * Keyset same = Keyset.fromFile(Path.of("backup-keys.json"), passphrase);
 * Keyset rotated = same.rotate();                               // new primary; old keys still decrypt
 * }</pre>
 *
 * <p>New keys are {@link #KEY_TEMPLATE} keys; a key keeps the parameters it was made with, so a
 * keyset may hold keys of other segment sizes, which read and write too. New backups are encrypted with the primary key; any key of the keyset decrypts. Rotation adds a
 * new primary key and keeps the others, so every older backup stays readable. A keyset is stored as
 * Tink's JSON keyset format, or — with a passphrase — wrapped in AES-256-GCM under a key derived
 * with PBKDF2-HMAC-SHA256. Key material never appears in {@link #toString()}, in manifests, in logs
 * or in exception messages; only key ids (small integers) do.
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class Keyset {
  /**
   * The parameters of new keys (generate and rotate): AES-256-GCM-HKDF-SHA256 with 4 KiB ciphertext
   * segments. 64 KiB segments cost less CPU per byte in isolation but made verify and restore slower
   * end to end (docs/backups.md, "AEAD segment size"); keys with other parameters still read and write.
   */
  public static final String KEY_TEMPLATE = "AES256_GCM_HKDF_4KB";

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int PBKDF2_ITERATIONS = 600_000;
  private static final byte[] WRAP_CONTEXT = "lockplane-keyset-v1".getBytes(StandardCharsets.UTF_8);

  static {
    try {
      StreamingAeadConfig.register();
    } catch (GeneralSecurityException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final KeysetHandle handle;
  private final StreamingAead aead;

  private Keyset(KeysetHandle handle) {
    this.handle = handle;
    try {
      this.aead = handle.getPrimitive(StreamingAead.class);
    } catch (GeneralSecurityException e) {
      throw keyError("The keyset holds no streaming AEAD key Lockplane can use (" + e.getClass().getSimpleName()
          + "). Generate one with Keyset.generate() or 'lockplane backup keys generate'.", null);
    }
  }

  /** Returns a new keyset with one fresh primary key. */
  public static Keyset generate() {
    try {
      return new Keyset(KeysetHandle.newBuilder()
          .addEntry(KeysetHandle.generateEntryFromParameters(newKeyParameters()).withRandomId().makePrimary())
          .build());
    } catch (GeneralSecurityException e) {
      throw keyError("Cannot generate a " + KEY_TEMPLATE + " key: " + e.getClass().getSimpleName(), null);
    }
  }

  /**
   * Reads an unprotected keyset (Tink JSON) from a file.
   *
   * @param file the keyset file
   * @return the keyset
   * @throws LockplaneException with {@code KEY_UNAVAILABLE} when the file is missing, unreadable,
   *     or passphrase-protected
   */
  public static Keyset fromFile(Path file) {
    return parse(readKeyFile(file), null, "file " + file);
  }

  /**
   * Reads a keyset from a file, unwrapping it with a passphrase when it is protected.
   *
   * @param file the keyset file
   * @param passphrase the passphrase it was written with
   * @return the keyset
   */
  public static Keyset fromFile(Path file, char[] passphrase) {
    return parse(readKeyFile(file), Objects.requireNonNull(passphrase, "passphrase"), "file " + file);
  }

  /**
   * Reads an unprotected keyset from an environment variable holding its JSON.
   *
   * @param variable the variable's name, such as {@code LOCKPLANE_BACKUP_KEYSET}
   * @return the keyset
   */
  public static Keyset fromEnvironment(String variable) {
    return parse(readVariable(variable), null, "environment variable " + variable);
  }

  /**
   * Reads a keyset from an environment variable, unwrapping it with a passphrase when protected.
   *
   * @param variable the variable's name
   * @param passphrase the passphrase
   * @return the keyset
   */
  public static Keyset fromEnvironment(String variable, char[] passphrase) {
    return parse(readVariable(variable), Objects.requireNonNull(passphrase, "passphrase"), "environment variable " + variable);
  }

  /**
   * Parses a keyset from text, as written by {@link #toJson(char[])}.
   *
   * @param json the keyset text
   * @param passphrase the passphrase, or {@code null} for an unprotected keyset
   * @return the keyset
   */
  public static Keyset parse(String json, char[] passphrase) {
    return parse(json, passphrase, "the given text");
  }

  private static Keyset parse(String text, char[] passphrase, String origin) {
    JsonNode node;
    try {
      node = JSON.readTree(text);
    } catch (IOException e) {
      throw keyError("The keyset in " + origin + " is not JSON. Give a keyset written by Lockplane or Tink.", null);
    }
    if (node == null || !node.isObject()) {
      throw keyError("The keyset in " + origin + " is not a JSON object.", null);
    }
    try {
      if (node.has("lockplaneKeyset")) {
        if (passphrase == null) {
          throw keyError("The keyset in " + origin + " is protected by a passphrase; give the passphrase.", null);
        }
        byte[] salt = Base64.getDecoder().decode(node.path("salt").asText());
        int iterations = node.path("iterations").asInt();
        byte[] kek = derive(passphrase, salt, iterations);
        try {
          return new Keyset(TinkJsonProtoKeysetFormat.parseEncryptedKeyset(
              node.path("encryptedKeyset").asText(), new AesGcmJce(kek), WRAP_CONTEXT));
        } catch (GeneralSecurityException e) {
          throw keyError("The passphrase does not open the keyset in " + origin + " (wrong passphrase, or the file was altered).", null);
        } finally {
          Arrays.fill(kek, (byte) 0);
        }
      }
      return new Keyset(TinkJsonProtoKeysetFormat.parseKeyset(text, InsecureSecretKeyAccess.get()));
    } catch (GeneralSecurityException | RuntimeException e) {
      if (e instanceof LockplaneException le) {
        throw le;
      }
      // the cause may quote key bytes: it is dropped on purpose
      throw keyError("The keyset in " + origin + " is not a valid Tink keyset (" + e.getClass().getSimpleName() + ").", null);
    }
  }

  /**
   * Returns a copy of this keyset with a new primary key added; the existing keys stay and keep
   * decrypting older backups.
   *
   * @return the rotated keyset
   */
  public Keyset rotate() {
    try {
      KeysetHandle.Builder b = KeysetHandle.newBuilder(handle);
      b.addEntry(KeysetHandle.generateEntryFromParameters(newKeyParameters()).withRandomId().makePrimary());
      return new Keyset(b.build());
    } catch (GeneralSecurityException e) {
      throw keyError("Cannot add a new key to the keyset: " + e.getClass().getSimpleName(), null);
    }
  }

  /** Returns the id of the primary key, which encrypts new backups. */
  public int primaryKeyId() {
    return handle.getPrimary().getId();
  }

  /**
   * Returns the parameters of the primary key, the one new backups are encrypted with: {@link
   * #KEY_TEMPLATE}, or a name of the same form for another segment size ({@code AES256_GCM_HKDF_64KB}).
   */
  public String primaryKeyTemplate() {
    return template(handle.getPrimary().getKey().getParameters());
  }

  /**
   * Returns the parameters of a key of this keyset, as {@link #primaryKeyTemplate()} names them.
   *
   * @param keyId a key id of this keyset
   * @return the parameters' name
   * @throws LockplaneException {@code KEY_UNAVAILABLE} when the keyset holds no such key
   */
  public String keyTemplate(int keyId) {
    for (int i = 0; i < handle.size(); i++) {
      if (handle.getAt(i).getId() == keyId) {
        return template(handle.getAt(i).getKey().getParameters());
      }
    }
    throw keyError("The keyset holds no key " + Integer.toUnsignedString(keyId) + "; its keys are "
        + keyIds().stream().map(Integer::toUnsignedString).toList() + ".", null);
  }

  /** Returns the ids of all keys, in keyset order. */
  public List<Integer> keyIds() {
    List<Integer> ids = new ArrayList<>();
    for (int i = 0; i < handle.size(); i++) {
      ids.add(handle.getAt(i).getId());
    }
    return Collections.unmodifiableList(ids);
  }

  /**
   * Returns the keyset's id: the id of its first key, which rotation never changes. Recorded in each
   * backup so a missing keyset can be named without exposing key material.
   */
  public int keysetId() {
    return handle.getAt(0).getId();
  }

  /**
   * Returns the keyset as text.
   *
   * @param passphrase a passphrase to protect it with, or {@code null} for cleartext Tink JSON
   * @return the text; it holds key material, so store it like a password
   */
  public String toJson(char[] passphrase) {
    try {
      if (passphrase == null) {
        return TinkJsonProtoKeysetFormat.serializeKeyset(handle, InsecureSecretKeyAccess.get());
      }
      byte[] salt = new byte[16];
      new SecureRandom().nextBytes(salt);
      byte[] kek = derive(passphrase, salt, PBKDF2_ITERATIONS);
      try {
        ObjectNode n = JSON.createObjectNode();
        n.put("encryptedKeyset", TinkJsonProtoKeysetFormat.serializeEncryptedKeyset(handle, new AesGcmJce(kek), WRAP_CONTEXT));
        n.put("iterations", PBKDF2_ITERATIONS);
        n.put("kdf", "PBKDF2WithHmacSHA256");
        n.put("lockplaneKeyset", 1);
        n.put("salt", Base64.getEncoder().encodeToString(salt));
        return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(n);
      } finally {
        Arrays.fill(kek, (byte) 0);
      }
    } catch (GeneralSecurityException | IOException e) {
      throw keyError("Cannot serialize the keyset: " + e.getClass().getSimpleName(), null);
    }
  }

  /**
   * Writes the keyset to a new file readable by its owner only.
   *
   * @param file the file; it must not exist
   * @param passphrase a passphrase to protect it with, or {@code null} for cleartext
   */
  public void writeTo(Path file, char[] passphrase) {
    String text = toJson(passphrase);
    try {
      Path dir = file.toAbsolutePath().getParent();
      if (dir != null) {
        Files.createDirectories(dir);
      }
      Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      Files.writeString(file, text, StandardCharsets.UTF_8, StandardOpenOption.TRUNCATE_EXISTING);
    } catch (IOException e) {
      throw new LockplaneException(ErrorCode.IO_ERROR,
          "Cannot write the keyset to " + file + ": " + e + ". Choose a path that does not exist yet.", e);
    }
  }

  private static AesGcmHkdfStreamingParameters newKeyParameters() throws GeneralSecurityException {
    return AesGcmHkdfStreamingParameters.builder()
        .setKeySizeBytes(32)
        .setDerivedAesGcmKeySizeBytes(32)
        .setHkdfHashType(AesGcmHkdfStreamingParameters.HashType.SHA256)
        .setCiphertextSegmentSizeBytes(4096)
        .build();
  }

  private static String template(Parameters parameters) {
    if (parameters instanceof AesGcmHkdfStreamingParameters p
        && p.getHkdfHashType() == AesGcmHkdfStreamingParameters.HashType.SHA256
        && p.getKeySizeBytes() == p.getDerivedAesGcmKeySizeBytes()) {
      int segment = p.getCiphertextSegmentSizeBytes();
      String size = segment % (1 << 20) == 0 ? (segment >> 20) + "MB"
          : segment % 1024 == 0 ? (segment >> 10) + "KB" : segment + "B";
      return "AES" + p.getKeySizeBytes() * 8 + "_GCM_HKDF_" + size;
    }
    // any other streaming key Tink accepts: its own description names no key material
    return parameters.toString();
  }

  StreamingAead streamingAead() {
    return aead;
  }

  private static byte[] derive(char[] passphrase, byte[] salt, int iterations) throws GeneralSecurityException {
    if (iterations < 10_000) {
      throw new GeneralSecurityException("too few iterations");
    }
    KeySpec spec = new PBEKeySpec(passphrase, salt, iterations, 256);
    return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
  }

  private static String readKeyFile(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw keyError("No keyset file at " + file + ". Create one with 'lockplane backup keys generate --out "
          + file + "' or point to the right file.", null);
    } catch (IOException e) {
      throw keyError("Cannot read the keyset file " + file + ": " + e.getClass().getSimpleName()
          + ". Check its permissions.", null);
    }
  }

  private static String readVariable(String variable) {
    String v = System.getenv(Objects.requireNonNull(variable, "variable"));
    if (v == null || v.isBlank()) {
      throw keyError("The environment variable " + variable + " is not set; it should hold the backup keyset JSON.", null);
    }
    return v;
  }

  static LockplaneException keyError(String message, Throwable cause) {
    return new LockplaneException(ErrorCode.KEY_UNAVAILABLE, message, cause);
  }

  /** Names the keyset by its key ids; never shows key material. */
  @Override
  public String toString() {
    return "Keyset[id " + Integer.toUnsignedString(keysetId()) + ", primary key " + Integer.toUnsignedString(primaryKeyId())
        + ", " + handle.size() + " key(s)]";
  }
}
