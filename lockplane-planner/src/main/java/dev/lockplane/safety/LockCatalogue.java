package dev.lockplane.safety;

import dev.lockplane.ErrorCode;
import dev.lockplane.LockplaneException;
import dev.lockplane.internal.safety.CatalogueData;
import dev.lockplane.plan.RiskClass;
import java.util.List;
import java.util.Map;

/**
 * The locks, effects and risks of each {@link DdlKind} on one PostgreSQL major version. Every lock
 * mode in it has been observed in {@code pg_locks} on real servers by the project's lock experiments.
 *
 * <pre>{@code
 * CatalogueEntry e = LockCatalogue.forVersion(15).entry(DdlKind.ADD_FOREIGN_KEY);
 * e.lockOn("referenced");   // SHARE_ROW_EXCLUSIVE
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 */
public final class LockCatalogue {
  private final int majorVersion;
  private final Map<DdlKind, CatalogueEntry> entries;

  private LockCatalogue(int majorVersion) {
    this.majorVersion = majorVersion;
    this.entries = Map.copyOf(CatalogueData.forVersion(majorVersion));
  }

  /**
   * Returns the catalogue for a major version.
   *
   * @param majorVersion 13 or later
   * @return the catalogue
   * @throws LockplaneException ({@link ErrorCode#UNSUPPORTED}) for versions before 13
   */
  public static LockCatalogue forVersion(int majorVersion) {
    if (majorVersion < CatalogueData.OLDEST) {
      throw new LockplaneException(ErrorCode.UNSUPPORTED, "the lock catalogue describes PostgreSQL "
          + CatalogueData.OLDEST + " and later, not " + majorVersion + ": upgrade the server or plan by hand");
    }
    return new LockCatalogue(majorVersion);
  }

  /** Returns the major version this catalogue describes. */
  public int majorVersion() {
    return majorVersion;
  }

  /**
   * Returns whether this version can run a kind of statement.
   *
   * @param kind the kind
   * @return false for kinds introduced later, such as {@link DdlKind#DETACH_PARTITION_CONCURRENTLY} on 13
   */
  public boolean supports(DdlKind kind) {
    return entries.containsKey(kind);
  }

  /**
   * Returns a kind's entry.
   *
   * @param kind the kind
   * @return its entry for this version
   * @throws LockplaneException ({@link ErrorCode#UNSUPPORTED}) when this version cannot run the kind
   */
  public CatalogueEntry entry(DdlKind kind) {
    CatalogueEntry e = entries.get(kind);
    if (e == null) {
      throw new LockplaneException(ErrorCode.UNSUPPORTED, kind + " needs PostgreSQL " + CatalogueData.since(kind)
          + " or later; this catalogue describes " + majorVersion + ": use another form of the change");
    }
    return e;
  }

  /** Returns the entries of the kinds this version supports, in {@link DdlKind} order. */
  public List<CatalogueEntry> entries() {
    return entries.values().stream().sorted((a, b) -> a.kind().compareTo(b.kind())).toList();
  }

  /**
   * Returns the findings for a step of a kind on a table, with the estimate from its statistics in the
   * message when the kind scans or rewrites.
   *
   * @param kind the step's kind
   * @param statistics the statistics of the table it touches, or {@code null} when unknown
   * @return the findings; empty for safe kinds
   */
  public List<Finding> findings(DdlKind kind, TableStatistics statistics) {
    CatalogueEntry e = entry(kind);
    if (e.risk() == RiskClass.SAFE) {
      return List.of();
    }
    String message = statistics == null ? e.message() : statistics.describe(e) + ". " + e.message();
    return List.of(new Finding(e.ruleId(), e.risk(), message, e.saferAlternative()));
  }

  @Override
  public String toString() {
    return "LockCatalogue[PostgreSQL " + majorVersion + ", " + entries.size() + " kinds]";
  }
}
