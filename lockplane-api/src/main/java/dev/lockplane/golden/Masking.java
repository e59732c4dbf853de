package dev.lockplane.golden;

import dev.lockplane.ErrorCode;
import dev.lockplane.LockplaneException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collections;
import java.util.HexFormat;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * How a golden's personal data is masked: one {@link MaskRule} per column, a key (by reference),
 * a seed and whether columns that look personal must all have a rule. Immutable and thread-safe.
 *
 * <p>Masking runs inside the private golden after its source is loaded and before any snapshot
 * exists; afterwards no original value of a masked column remains in the golden's files.
 *
 * <pre>{@code
 * Masking masking = Masking.builder()
 *     .key(MaskingKey.environment("LOCKPLANE_MASK_KEY"))
 *     .rule("customers", "email", MaskRule.fake(FakeKind.EMAIL))
 *     .rule("customers", "id", MaskRule.hash())
 *     .rule("orders", "customer_id", MaskRule.hash())   // joins on the hashed key still match
 *     .strict(true)
 *     .build();
 * Golden golden = Golden.fromDatabase("production_copy").masked(masking);
 * }</pre>
 */
public final class Masking {
  private final Map<MaskedColumn, MaskRule> rules;
  private final MaskingKey key;
  private final long seed;
  private final boolean strict;

  private Masking(Builder b) {
    this(Collections.unmodifiableMap(new TreeMap<>(b.rules)), b.key, b.seed == null ? 0 : b.seed,
        b.strict != null && b.strict);
  }

  private Masking(Map<MaskedColumn, MaskRule> rules, MaskingKey key, long seed, boolean strict) {
    this.rules = rules;
    this.key = key;
    this.seed = seed;
    this.strict = strict;
  }

  /**
   * Returns this masking with strict mode set as given (a command-line {@code --strict} over a rules
   * file, for example).
   *
   * @param strict true to refuse a golden while a column that looks personal has no rule
   * @return the masking
   */
  public Masking withStrict(boolean strict) {
    return strict == this.strict ? this : new Masking(rules, key, seed, strict);
  }

  /**
   * Starts a masking.
   *
   * @return a builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns the rules, sorted by column.
   *
   * @return an unmodifiable map
   */
  public Map<MaskedColumn, MaskRule> rules() {
    return rules;
  }

  /**
   * Returns where the key is read from.
   *
   * @return the reference, or empty when no rule needs a key
   */
  public Optional<MaskingKey> key() {
    return Optional.ofNullable(key);
  }

  /**
   * Returns the seed mixed into fakes and shuffles (0 unless set).
   *
   * @return the seed
   */
  public long seed() {
    return seed;
  }

  /**
   * Returns whether preparation is refused while a column that looks personal has no rule.
   *
   * @return true in strict mode
   */
  public boolean strict() {
    return strict;
  }

  /**
   * Returns a hex SHA-256 of the rules, the seed, the strict flag and a keyed fingerprint of the
   * key (never the key), part of the golden's content hash: changing any of them rebuilds the golden.
   *
   * @return the hash
   * @throws LockplaneException with {@link ErrorCode#KEY_UNAVAILABLE} when the key cannot be read
   */
  public String contentHash() {
    StringBuilder s = new StringBuilder("masking v1\nseed=").append(seed).append("\nstrict=").append(strict)
        .append("\nkey=").append(key == null ? "-" : key.fingerprint());
    rules.forEach((c, r) -> s.append('\n').append(c).append('\t').append(r.describe()));
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(md.digest(s.toString().getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Returns a short description for logs and snapshot descriptions, such as
   * {@code 5 masking rules, seed 0, strict, key from $LOCKPLANE_MASK_KEY}.
   *
   * @return the description, free of secrets
   */
  public String describe() {
    return rules.size() + " masking rule" + (rules.size() == 1 ? "" : "s") + ", seed " + seed
        + (strict ? ", strict" : "") + (key == null ? "" : ", " + key);
  }

  @Override
  public String toString() {
    return describe();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Masking m && rules.equals(m.rules) && Objects.equals(key, m.key) && seed == m.seed
        && strict == m.strict;
  }

  @Override
  public int hashCode() {
    return Objects.hash(rules, key, seed, strict);
  }

  /** Collects rules; rejects a second rule for one column and a setting given twice. Not thread-safe. */
  public static final class Builder {
    private final Map<MaskedColumn, MaskRule> rules = new TreeMap<>();
    private MaskingKey key;
    private Long seed;
    private Boolean strict;

    private Builder() {}

    /**
     * Adds the rule of one column.
     *
     * @param table the table, as {@code schema.table} or {@code table} (schema {@code public})
     * @param column the column
     * @param rule what to write into it
     * @return this builder
     * @throws LockplaneException with {@link ErrorCode#INVALID_CONFIGURATION} when the column
     *     already has a rule
     */
    public Builder rule(String table, String column, MaskRule rule) {
      return rule(MaskedColumn.of(table, column), rule);
    }

    /**
     * Adds the rule of one column.
     *
     * @param column the column
     * @param rule what to write into it
     * @return this builder
     * @throws LockplaneException with {@link ErrorCode#INVALID_CONFIGURATION} when the column
     *     already has a rule
     */
    public Builder rule(MaskedColumn column, MaskRule rule) {
      Objects.requireNonNull(column, "column");
      Objects.requireNonNull(rule, "rule");
      MaskRule old = rules.putIfAbsent(column, rule);
      if (old != null) {
        throw new LockplaneException(ErrorCode.INVALID_CONFIGURATION, "The masking rule of column " + column
            + " was already set to " + old.describe() + "; give each column one rule.");
      }
      return this;
    }

    /**
     * Sets where the key of hash and fake rules is read from.
     *
     * @param key the reference
     * @return this builder
     */
    public Builder key(MaskingKey key) {
      Objects.requireNonNull(key, "key");
      if (this.key != null) {
        throw new LockplaneException(ErrorCode.INVALID_CONFIGURATION,
            "The masking key was already set to " + this.key + "; set it once.");
      }
      this.key = key;
      return this;
    }

    /**
     * Sets the seed mixed into fakes and shuffles, so that one key can give several unrelated
     * sets of fakes.
     *
     * @param seed the seed
     * @return this builder
     */
    public Builder seed(long seed) {
      if (this.seed != null) {
        throw new LockplaneException(ErrorCode.INVALID_CONFIGURATION,
            "The masking seed was already set to " + this.seed + "; set it once.");
      }
      this.seed = seed;
      return this;
    }

    /**
     * Sets whether preparation is refused while a column that looks personal has no rule (give it
     * {@link MaskRule#keep()} to accept it as it is).
     *
     * @param strict true to refuse
     * @return this builder
     */
    public Builder strict(boolean strict) {
      if (this.strict != null) {
        throw new LockplaneException(ErrorCode.INVALID_CONFIGURATION,
            "Strict masking was already set to " + this.strict + "; set it once.");
      }
      this.strict = strict;
      return this;
    }

    /**
     * Builds the masking.
     *
     * @return the masking
     * @throws LockplaneException with {@link ErrorCode#INVALID_CONFIGURATION} when there is no rule,
     *     or a hash or fake rule but no key
     */
    public Masking build() {
      if (rules.isEmpty()) {
        throw new LockplaneException(ErrorCode.INVALID_CONFIGURATION, "A masking needs at least one rule.");
      }
      if (key == null) {
        rules.entrySet().stream().filter(e -> e.getValue() instanceof MaskRule.Hash || e.getValue() instanceof MaskRule.Fake)
            .findFirst().ifPresent(e -> {
              throw new LockplaneException(ErrorCode.INVALID_CONFIGURATION, "The rule of " + e.getKey() + " ("
                  + e.getValue().describe() + ") needs a masking key: set key(MaskingKey.environment(...)) or key(MaskingKey.file(...)).");
            });
      }
      return new Masking(this);
    }
  }
}
