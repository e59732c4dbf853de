package dev.lockplane.golden;

import dev.lockplane.ErrorCode;
import dev.lockplane.LockplaneException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Which rows of a golden are kept: a starting set per table, closed under foreign keys. Every row
 * that a kept row references is kept too, recursively (composite keys, self-references and cycles
 * included), so every constraint of the schema holds in the golden; rows that reference kept rows
 * are kept only for the relationships named with {@link Builder#alsoReferencing(String, String)}.
 *
 * <pre>{@code
 * Subset s = Subset.builder()
 *     .where("sales.orders", "created_at > now() - interval '90 days'")
 *     .sample("sales.events", 10.0)
 *     .perValue("sales.customers", "country", 5)
 *     .alsoReferencing("sales.order_items")
 *     .others(Subset.Others.EMPTY)
 *     .edgeCases(Subset.EdgeCase.NULLS, Subset.EdgeCase.MIN_MAX)
 *     .build();
 * Golden g = Golden.fromServer("postgres://prod:5432/shop", "reader", pw).subset(s);
 * }</pre>
 *
 * <p>Table names are {@code schema.table}, or a bare {@code table} when exactly one schema has a
 * table of that name. Instances are immutable and thread-safe.
 */
public final class Subset {
  /** Which rows of one table start the subset (before the foreign-key closure adds more). */
  public sealed interface Rows permits All, None, Where, Sample, PerValue {
    /**
     * Returns a short description for reports.
     *
     * @return the description
     */
    String describe();
  }

  /** Every row of the table. */
  public record All() implements Rows {
    @Override
    public String describe() {
      return "whole table";
    }
  }

  /** No row of its own: only rows that kept rows elsewhere reference (or, when asked, that reference them). */
  public record None() implements Rows {
    @Override
    public String describe() {
      return "only referenced rows";
    }
  }

  /**
   * The rows for which an SQL condition holds.
   *
   * @param condition the text of an SQL {@code WHERE} clause on the table's columns, for example
   *     {@code created_at > now() - interval '90 days'}; it runs on the source as written
   */
  public record Where(String condition) implements Rows {
    /** Validates the condition. */
    public Where {
      Objects.requireNonNull(condition, "condition");
      if (condition.isBlank()) {
        throw new IllegalArgumentException("the row filter is blank");
      }
    }

    @Override
    public String describe() {
      return "filter " + condition;
    }
  }

  /**
   * A deterministic sample: a row is kept when a hash of its primary key (of the whole row for a
   * table without one) and the subset's {@linkplain Subset#seed() seed} falls in the given share,
   * so the same data and seed keep the same rows wherever and however often the subset is made.
   *
   * @param percent the share of rows to keep, more than 0 and at most 100
   */
  public record Sample(double percent) implements Rows {
    /** Validates the share. */
    public Sample {
      if (!(percent > 0 && percent <= 100)) {
        throw new IllegalArgumentException("a sample keeps more than 0 and at most 100 percent, got " + percent);
      }
    }

    @Override
    public String describe() {
      return "sample " + percent + "%";
    }
  }

  /**
   * At most {@code rows} rows for each distinct value of a column (NULL counting as one value),
   * the ones with the smallest primary keys.
   *
   * @param column the column
   * @param rows rows per value, at least 1
   */
  public record PerValue(String column, int rows) implements Rows {
    /** Validates the components. */
    public PerValue {
      Objects.requireNonNull(column, "column");
      if (column.isBlank()) {
        throw new IllegalArgumentException("the column is blank");
      }
      if (rows < 1) {
        throw new IllegalArgumentException("rows per value must be at least 1, got " + rows);
      }
    }

    @Override
    public String describe() {
      return rows + " row(s) per value of " + column;
    }
  }

  /** What happens to tables the subset does not name. */
  public enum Others {
    /** Kept whole (the default). */
    KEEP,
    /** Emptied, except rows that kept rows reference. */
    EMPTY,
    /**
     * Dropped. Refused when a table that stays has a foreign key to one that would be dropped:
     * name that table in the subset instead.
     */
    DROP
  }

  /**
   * Rows kept on purpose in tables with a {@link Where}, {@link Sample} or {@link PerValue} rule,
   * because tests tend to break on them.
   */
  public enum EdgeCase {
    /** For each nullable column, one row where it is NULL (when there is one). */
    NULLS,
    /** For each column of a variable-length type, the row with its longest value. */
    LONGEST,
    /** For each column that leads a B-tree index, the rows with its smallest and largest value. */
    MIN_MAX
  }

  /**
   * A relationship along which rows that reference kept rows are kept too.
   *
   * @param table the referencing table
   * @param constraint the foreign key's name, or {@code *} for every foreign key of the table
   */
  public record Referencing(String table, String constraint) implements Comparable<Referencing> {
    /** Validates the components. */
    public Referencing {
      Objects.requireNonNull(table, "table");
      Objects.requireNonNull(constraint, "constraint");
    }

    @Override
    public int compareTo(Referencing o) {
      int c = table.compareTo(o.table);
      return c != 0 ? c : constraint.compareTo(o.constraint);
    }
  }

  private final Map<String, Rows> tables;
  private final Set<Referencing> referencing;
  private final Others others;
  private final Set<EdgeCase> edgeCases;
  private final long seed;

  private Subset(Builder b) {
    this.tables = Collections.unmodifiableMap(new TreeMap<>(b.tables));
    this.referencing = Collections.unmodifiableSet(new TreeSet<>(b.referencing));
    this.others = b.others == null ? Others.KEEP : b.others;
    this.edgeCases = Collections.unmodifiableSet(b.edgeCases == null ? EnumSet.noneOf(EdgeCase.class) : b.edgeCases);
    this.seed = b.seed == null ? 0 : b.seed;
  }

  /**
   * Starts a subset definition.
   *
   * @return a builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns the rule of each table the subset names, by table name, sorted.
   *
   * @return the rules
   */
  public Map<String, Rows> tables() {
    return tables;
  }

  /**
   * Returns the relationships along which referencing rows are kept too, sorted.
   *
   * @return the relationships
   */
  public Set<Referencing> referencing() {
    return referencing;
  }

  /**
   * Returns what happens to tables the subset does not name.
   *
   * @return the policy, {@link Others#KEEP} unless set
   */
  public Others others() {
    return others;
  }

  /**
   * Returns the edge cases kept on purpose.
   *
   * @return the edge cases, empty unless set
   */
  public Set<EdgeCase> edgeCases() {
    return edgeCases;
  }

  /**
   * Returns the seed of the samples.
   *
   * @return the seed, 0 unless set
   */
  public long seed() {
    return seed;
  }

  /**
   * Returns a hex SHA-256 of the subset definition, part of the golden's content hash.
   *
   * @return the hash
   */
  public String contentHash() {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(md.digest(canonical().getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private String canonical() {
    StringBuilder sb = new StringBuilder("subset\n");
    tables.forEach((t, r) -> sb.append("table ").append(t).append(' ').append(r).append('\n'));
    referencing.forEach(r -> sb.append("referencing ").append(r.table()).append(' ').append(r.constraint()).append('\n'));
    sb.append("others ").append(others).append('\n').append("edges ").append(edgeCases).append('\n')
        .append("seed ").append(seed).append('\n');
    return sb.toString();
  }

  /**
   * Returns a short description for logs and snapshot descriptions.
   *
   * @return the description
   */
  public String describe() {
    StringBuilder sb = new StringBuilder();
    tables.forEach((t, r) -> sb.append(sb.isEmpty() ? "" : ", ").append(t).append(": ").append(r.describe()));
    sb.append(sb.isEmpty() ? "" : ", ").append("other tables: ").append(others.name().toLowerCase(java.util.Locale.ROOT));
    return sb.toString();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Subset s && canonical().equals(s.canonical());
  }

  @Override
  public int hashCode() {
    return canonical().hashCode();
  }

  @Override
  public String toString() {
    return "Subset[" + describe() + "]";
  }

  /** Builds a {@link Subset}; each setting is given once (a second one is refused). */
  public static final class Builder {
    private final Map<String, Rows> tables = new TreeMap<>();
    private final Set<Referencing> referencing = new TreeSet<>();
    private Others others;
    private EnumSet<EdgeCase> edgeCases;
    private Long seed;

    private Builder() {}

    /**
     * Starts a table's subset with the rows for which an SQL condition holds.
     *
     * @param table the table
     * @param condition the text of a {@code WHERE} clause
     * @return this builder
     */
    public Builder where(String table, String condition) {
      return rows(table, new Where(condition));
    }

    /**
     * Starts a table's subset with a deterministic sample (see {@link Sample}).
     *
     * @param table the table
     * @param percent the share of rows, more than 0 and at most 100
     * @return this builder
     */
    public Builder sample(String table, double percent) {
      return rows(table, new Sample(percent));
    }

    /**
     * Starts a table's subset with at most {@code rows} rows per value of a column.
     *
     * @param table the table
     * @param column the column
     * @param rows rows per value
     * @return this builder
     */
    public Builder perValue(String table, String column, int rows) {
      return rows(table, new PerValue(column, rows));
    }

    /**
     * Keeps a table whole.
     *
     * @param table the table
     * @return this builder
     */
    public Builder whole(String table) {
      return rows(table, new All());
    }

    /**
     * Keeps only the rows of a table that the closure needs.
     *
     * @param table the table
     * @return this builder
     */
    public Builder onlyReferenced(String table) {
      return rows(table, new None());
    }

    /**
     * Sets a table's starting rows.
     *
     * @param table the table, {@code schema.table} or {@code table}
     * @param rows the rule
     * @return this builder
     * @throws LockplaneException with {@code INVALID_CONFIGURATION} when the table already has a rule
     */
    public Builder rows(String table, Rows rows) {
      Objects.requireNonNull(rows, "rows");
      String t = name(table);
      Rows old = tables.putIfAbsent(t, rows);
      if (old != null) {
        throw new LockplaneException(ErrorCode.INVALID_CONFIGURATION,
            "The rows of table " + t + " were already set to " + old.describe() + "; set them once.");
      }
      return this;
    }

    /**
     * Keeps, along every foreign key of a table, the rows of that table that reference kept rows.
     * Every means also the keys to lookup tables: for {@code order_items} with keys to {@code
     * orders} and {@code products}, an item of any kept product is kept too, and with it its order.
     * Name the foreign key ({@link #alsoReferencing(String, String)}) to follow one relationship.
     *
     * @param table the referencing table
     * @return this builder
     */
    public Builder alsoReferencing(String table) {
      return alsoReferencing(table, "*");
    }

    /**
     * Keeps, along one foreign key, the rows of its table that reference kept rows.
     *
     * @param table the referencing table
     * @param constraint the foreign key's name
     * @return this builder
     */
    public Builder alsoReferencing(String table, String constraint) {
      Referencing r = new Referencing(name(table), constraint);
      if (!referencing.add(r)) {
        throw new LockplaneException(ErrorCode.INVALID_CONFIGURATION,
            "Referencing rows along " + r.table() + " " + r.constraint() + " were already asked for; ask once.");
      }
      return this;
    }

    /**
     * Sets what happens to tables the subset does not name.
     *
     * @param others the policy
     * @return this builder
     */
    public Builder others(Others others) {
      Objects.requireNonNull(others, "others");
      once("others", this.others);
      this.others = others;
      return this;
    }

    /**
     * Sets the edge cases kept on purpose.
     *
     * @param cases the edge cases
     * @return this builder
     */
    public Builder edgeCases(EdgeCase... cases) {
      once("edge cases", edgeCases);
      edgeCases = EnumSet.noneOf(EdgeCase.class);
      for (EdgeCase c : cases) {
        edgeCases.add(Objects.requireNonNull(c, "edge case"));
      }
      return this;
    }

    /**
     * Sets the seed of the samples; the same data and seed keep the same rows.
     *
     * @param seed the seed
     * @return this builder
     */
    public Builder seed(long seed) {
      once("seed", this.seed);
      this.seed = seed;
      return this;
    }

    /**
     * Returns the subset.
     *
     * @return the immutable subset
     */
    public Subset build() {
      return new Subset(this);
    }

    private static void once(String what, Object current) {
      if (current != null) {
        throw new LockplaneException(ErrorCode.INVALID_CONFIGURATION, what + " was already set to " + current + "; set it once.");
      }
    }

    private static String name(String table) {
      Objects.requireNonNull(table, "table");
      String t = table.strip();
      if (t.isEmpty()) {
        throw new IllegalArgumentException("the table name is blank");
      }
      return t;
    }
  }
}
