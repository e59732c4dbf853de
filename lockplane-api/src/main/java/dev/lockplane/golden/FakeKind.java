package dev.lockplane.golden;

import java.util.Locale;

/**
 * The kinds of fake value a {@link MaskRule#fake(FakeKind)} rule writes. Every fake is computed
 * inside PostgreSQL from the masking key, the seed and the original value, so the same input gives
 * the same fake in every table and on every refresh; on a column with a unique index the fake embeds
 * a 64-bit hash-derived part so that distinct inputs stay distinct.
 */
public enum FakeKind {
  /** A first name from a fixed list, such as {@code Alice}. */
  FIRST_NAME,
  /** A last name from a fixed list, such as {@code Moreau}. */
  LAST_NAME,
  /** A first and last name, such as {@code Alice Moreau}. */
  FULL_NAME,
  /** An address at the reserved {@code example.com} domain, always unique per input. */
  EMAIL,
  /** A phone number in the fictional {@code +1-555} range. */
  PHONE,
  /** A house number, street name and street type, such as {@code 12 Elm Street}. */
  STREET_ADDRESS,
  /** A city name from a fixed list. */
  CITY,
  /** A five-digit postcode. */
  POSTCODE,
  /** A German IBAN whose check digits are valid (ISO 13616, mod 97). */
  IBAN,
  /** A card number starting with 4 that passes the Luhn check (16 digits, 19 on unique columns). */
  CREDIT_CARD,
  /** An address in {@code 10.0.0.0/8} (an IPv6 address in {@code fd00::/8} on unique columns). */
  IP_ADDRESS,
  /**
   * The original date moved by a key-derived number of days within a range (see
   * {@link MaskRule#dateOfBirth(int)}), so ages stay roughly right.
   */
  DATE_OF_BIRTH;

  /**
   * Returns the name used in rules files, such as {@code full_name}.
   *
   * @return the lower-case name
   */
  public String fileName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * Returns the kind named in a rules file.
   *
   * @param name a name such as {@code credit_card} (any case)
   * @return the kind
   * @throws IllegalArgumentException when no kind has that name
   */
  public static FakeKind fromFileName(String name) {
    for (FakeKind k : values()) {
      if (k.fileName().equalsIgnoreCase(name)) {
        return k;
      }
    }
    throw new IllegalArgumentException("No fake kind '" + name + "'");
  }
}
