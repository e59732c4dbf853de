package dev.lockplane.golden;

/**
 * How a golden's personal data is masked. (Placeholder of the API: the masking work fills it in.)
 */
public final class Masking {
  private Masking() {}

  /**
   * Returns a hex SHA-256 of the rules (never of a key or other secret), part of the golden's content hash.
   *
   * @return the hash
   */
  public String contentHash() {
    throw new UnsupportedOperationException("not yet");
  }

  /**
   * Returns a short description for logs and snapshot descriptions.
   *
   * @return the description
   */
  public String describe() {
    return "masking";
  }
}
