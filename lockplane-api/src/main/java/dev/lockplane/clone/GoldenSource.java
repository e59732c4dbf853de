package dev.lockplane.clone;

import java.time.Instant;

/**
 * Where a golden's data comes from, for sources that live outside this module (a backup in a
 * repository, a user's own loader). Wrap one with {@link Golden#from(GoldenSource)}.
 *
 * <p>A source is either <em>logical</em> — it fills an empty database on a running server (SQL,
 * {@code pg_restore}, a migration tool) — or <em>physical</em> — it fills an empty data directory
 * that a server of the target's version then starts from (a base backup, a restored physical
 * backup). Physical sources work only with instance-level clones.
 *
 * <p>Implementations must be thread-safe and must never put a secret into {@link #describe()},
 * {@link #contentKey()}, {@code toString()} or an exception message.
 */
public interface GoldenSource {

  /** Whether a source fills a database or a data directory. */
  enum Form {
    /** Fills an empty database on a running server ({@link GoldenTarget#database()}). */
    LOGICAL,
    /** Fills an empty data directory ({@link GoldenTarget#dataDirectory()}); no server runs. */
    PHYSICAL
  }

  /**
   * Returns the form of this source.
   *
   * @return logical or physical
   */
  Form form();

  /**
   * Returns a stable identity of the content this source would load: equal keys mean an already
   * prepared golden can be reused. A source whose content moves (a live server, "the latest
   * backup") returns a key for <em>where</em> it reads; freshness is then a matter of refreshing.
   *
   * @return the key, free of secrets
   */
  String contentKey();

  /**
   * Returns a short description for logs, listings and snapshot descriptions.
   *
   * @return the description, free of secrets
   */
  String describe();

  /**
   * Loads the source's data into the target.
   *
   * @param target where to load: an empty database or an empty data directory, by {@link #form()}
   * @return the time the loaded data is from (for example when a dump's snapshot was taken, or a
   *     backup's end), which becomes the golden snapshot's {@link Snapshot#dataStateAt()}
   * @throws dev.lockplane.LockplaneException when the source cannot be read or loaded; the caller
   *     discards whatever the target holds
   */
  Instant load(GoldenTarget target);
}
