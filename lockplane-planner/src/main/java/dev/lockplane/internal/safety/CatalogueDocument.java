package dev.lockplane.internal.safety;

import dev.lockplane.safety.CatalogueEntry;
import dev.lockplane.safety.DdlKind;
import dev.lockplane.safety.LockCatalogue;
import dev.lockplane.safety.RelationLock;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/** Renders the lock catalogue as the Markdown table of {@code docs/safety.md}. */
public final class CatalogueDocument {
  /** The line before the generated table in the document. */
  public static final String BEGIN = "<!-- BEGIN GENERATED CATALOGUE: LockCatalogueDocTest regenerates it -->";
  /** The line after it. */
  public static final String END = "<!-- END GENERATED CATALOGUE -->";

  private CatalogueDocument() {}

  /**
   * Renders the table for the newest version, with a column for the differences of an older one.
   *
   * @param newest the newest major version (18)
   * @param older the older major version compared (15)
   * @return Markdown, ending with a newline
   */
  public static String markdown(int newest, int older) {
    LockCatalogue cn = LockCatalogue.forVersion(newest);
    LockCatalogue co = LockCatalogue.forVersion(older);
    StringBuilder b = new StringBuilder();
    b.append("| rule id | example | locks | effect | in a transaction | risk | on ").append(older)
        .append(" | safer alternative |\n");
    b.append("|---|---|---|---|---|---|---|---|\n");
    for (DdlKind k : DdlKind.values()) {
      CatalogueEntry e = cn.entry(k);
      String olderCell;
      if (!co.supports(k)) {
        olderCell = "not available";
      } else {
        olderCell = co.entry(k).equals(e) ? "same" : "differs: " + locks(co.entry(k).locks());
      }
      b.append("| `").append(e.ruleId()).append("` | `").append(cell(e.example())).append("` | ")
          .append(locks(e.locks())).append(" | ").append(e.effect().name().toLowerCase(Locale.ROOT)).append(" | ")
          .append(e.transactional() ? "yes" : "no").append(" | ").append(e.risk().name().toLowerCase(Locale.ROOT)
              .replace('_', '-')).append(" | ").append(olderCell).append(" | ")
          .append(e.saferAlternative().isEmpty() ? "—" : cell(e.saferAlternative())).append(" |\n");
    }
    return b.toString();
  }

  private static String locks(List<RelationLock> locks) {
    if (locks.isEmpty()) {
      return "no table lock";
    }
    return locks.stream().map(l -> l.mode().sqlName() + " on " + l.role()).collect(Collectors.joining("; "));
  }

  private static String cell(String s) {
    return s.replace("|", "\\|").replace("\n", " ");
  }
}
