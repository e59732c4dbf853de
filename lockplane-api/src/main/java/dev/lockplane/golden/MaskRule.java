package dev.lockplane.golden;

import java.util.Objects;

/**
 * What masking writes into one column. Made by the static factories; every rule maps NULL to NULL
 * except {@link Constant}, which writes its value into every row.
 */
public sealed interface MaskRule
    permits MaskRule.Keep, MaskRule.SetNull, MaskRule.Constant, MaskRule.Hash, MaskRule.Fake, MaskRule.Partial,
        MaskRule.Shuffle, MaskRule.Sql {

  /**
   * Returns a short, stable description used in reports and in the content hash, such as
   * {@code fake(email)}.
   *
   * @return the description, free of secrets
   */
  String describe();

  /**
   * Keeps the column as it is; also marks a column that looks personal as reviewed.
   *
   * @return the rule
   */
  static MaskRule keep() {
    return new Keep();
  }

  /**
   * Sets the column to NULL (refused on a NOT NULL column).
   *
   * @return the rule
   */
  static MaskRule setNull() {
    return new SetNull();
  }

  /**
   * Writes one value into every row.
   *
   * @param value the value as PostgreSQL text input of the column's type, such as {@code 'redacted'} or {@code 0}
   * @return the rule
   */
  static MaskRule constant(String value) {
    return new Constant(value);
  }

  /**
   * Replaces each value by a keyed hash of it: the same input gives the same output in every table
   * and on every refresh, so joins on masked keys still match. Produces text, integer, bigint,
   * smallint, uuid and bytea columns; needs a key.
   *
   * @return the rule
   */
  static MaskRule hash() {
    return new Hash();
  }

  /**
   * Replaces each value by a deterministic fake of a kind; needs a key.
   *
   * @param kind the kind of value
   * @return the rule
   */
  static MaskRule fake(FakeKind kind) {
    return new Fake(kind, kind == FakeKind.DATE_OF_BIRTH ? 365 : 0);
  }

  /**
   * Moves each date by a key-derived number of days between {@code -maxShiftDays} and
   * {@code +maxShiftDays}; needs a key.
   *
   * @param maxShiftDays the largest shift, 1 to 36,500 days
   * @return the rule
   */
  static MaskRule dateOfBirth(int maxShiftDays) {
    return new Fake(FakeKind.DATE_OF_BIRTH, maxShiftDays);
  }

  /**
   * Keeps the last characters of each value and replaces the others by {@code *} (a card number
   * becomes {@code ************4242}).
   *
   * @param keepLast how many characters to keep, 0 or more
   * @return the rule
   */
  static MaskRule partial(int keepLast) {
    return new Partial(keepLast);
  }

  /**
   * Moves the column's values between rows, so the set of values (and its distribution) stays but
   * no row keeps its own value.
   *
   * @return the rule
   */
  static MaskRule shuffle() {
    return new Shuffle();
  }

  /**
   * Writes the value of a SQL expression over the row's columns, such as
   * {@code 'user' || id || '@example.com'}.
   *
   * @param expression the expression, in the row's table
   * @return the rule
   */
  static MaskRule sql(String expression) {
    return new Sql(expression);
  }

  /** Keeps the column as it is. */
  record Keep() implements MaskRule {
    @Override
    public String describe() {
      return "keep";
    }
  }

  /** Sets the column to NULL. */
  record SetNull() implements MaskRule {
    @Override
    public String describe() {
      return "null";
    }
  }

  /**
   * Writes one value into every row.
   *
   * @param value the value as PostgreSQL text input of the column's type
   */
  record Constant(String value) implements MaskRule {
    /** Validates the value. */
    public Constant {
      Objects.requireNonNull(value, "value");
    }

    @Override
    public String describe() {
      return "constant(" + value + ")";
    }
  }

  /** A keyed hash of the value. */
  record Hash() implements MaskRule {
    @Override
    public String describe() {
      return "hash";
    }
  }

  /**
   * A deterministic fake value.
   *
   * @param kind the kind
   * @param rangeDays for {@link FakeKind#DATE_OF_BIRTH} the largest shift in days, else 0
   */
  record Fake(FakeKind kind, int rangeDays) implements MaskRule {
    /** Validates the components. */
    public Fake {
      Objects.requireNonNull(kind, "kind");
      if (kind == FakeKind.DATE_OF_BIRTH ? rangeDays < 1 || rangeDays > 36_500 : rangeDays != 0) {
        throw new IllegalArgumentException(kind == FakeKind.DATE_OF_BIRTH
            ? "A date-of-birth shift ranges over 1 to 36500 days, not " + rangeDays
            : "Only date_of_birth fakes take a range of days");
      }
    }

    @Override
    public String describe() {
      return kind == FakeKind.DATE_OF_BIRTH ? "fake(date_of_birth ±" + rangeDays + " days)" : "fake(" + kind.fileName() + ")";
    }
  }

  /**
   * Keeps the last characters.
   *
   * @param keepLast how many characters to keep
   */
  record Partial(int keepLast) implements MaskRule {
    /** Validates the count. */
    public Partial {
      if (keepLast < 0) {
        throw new IllegalArgumentException("A partial rule keeps 0 or more characters, not " + keepLast);
      }
    }

    @Override
    public String describe() {
      return "partial(last " + keepLast + ")";
    }
  }

  /** Moves values between rows. */
  record Shuffle() implements MaskRule {
    @Override
    public String describe() {
      return "shuffle";
    }
  }

  /**
   * A SQL expression over the row's columns.
   *
   * @param expression the expression
   */
  record Sql(String expression) implements MaskRule {
    /** Validates the expression. */
    public Sql {
      Objects.requireNonNull(expression, "expression");
      if (expression.isBlank()) {
        throw new IllegalArgumentException("A SQL rule needs an expression");
      }
    }

    @Override
    public String describe() {
      return "sql(" + expression + ")";
    }
  }
}
