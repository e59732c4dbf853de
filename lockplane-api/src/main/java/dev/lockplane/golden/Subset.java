package dev.lockplane.golden;

/**
 * Which rows of a golden are kept. (Placeholder of the API: the subsetting work fills it in.)
 */
public final class Subset {
  private Subset() {}

  /**
   * Returns a hex SHA-256 of the subset definition, part of the golden's content hash.
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
    return "subset";
  }
}
