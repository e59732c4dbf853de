package dev.lockplane.internal.trace;

import dev.lockplane.internal.sql.SqlSplitter;
import dev.lockplane.internal.sql.SqlStatement;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.flywaydb.core.api.MigrationInfo;

/**
 * Where the statements Flyway executes for one migration come from: Flyway splits and runs a script
 * itself and tells only which migration runs, so the script is split again here, only to name each
 * statement's line and the comments before it (which may hold {@code lockplane:ignore}). Shared by
 * the trace's own Flyway run and the Flyway callback.
 */
final class FlywayStatements {
  private MigrationInfo current;
  private List<SqlStatement> statements = List.of();
  private int index;

  /** A migration starts. */
  void start(MigrationInfo migration) {
    current = migration;
    index = 0;
    statements = List.of();
    String physical = migration.getPhysicalLocation();
    if (physical != null && !physical.isEmpty() && Files.isRegularFile(Path.of(physical))) {
      try {
        statements = SqlSplitter.split(Files.readString(Path.of(physical), StandardCharsets.UTF_8));
      } catch (IOException e) {
        statements = List.of();
      }
    }
  }

  /** The migration ended: statements executed from now on are Flyway's own bookkeeping. */
  void end() {
    current = null;
  }

  /** Whether a migration is running. */
  boolean running() {
    return current != null;
  }

  /** The running migration's script, as Flyway names it. */
  String script() {
    return current == null ? "" : current.getScript();
  }

  /** Locates the next statement of the running migration, or returns null outside a migration. */
  ObservedJdbc.Located next() {
    if (current == null) {
      return null;
    }
    String file = current.getPhysicalLocation() == null || current.getPhysicalLocation().isEmpty()
        ? current.getScript() : current.getPhysicalLocation();
    SqlStatement st = index < statements.size() ? statements.get(index) : null;
    index++;
    return new ObservedJdbc.Located(file + (st == null ? "" : ":" + st.line()), st == null ? "" : st.leadingComments()
        + "\n" + st.sql());
  }
}
