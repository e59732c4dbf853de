package dev.lockplane.cli;

import dev.lockplane.ErrorCode;
import dev.lockplane.LockplaneException;
import dev.lockplane.backup.Backup;
import dev.lockplane.backup.BackupKind;
import dev.lockplane.backup.BackupRepository;
import dev.lockplane.backup.BackupSchemaState;
import dev.lockplane.backup.TableRestore;
import dev.lockplane.internal.sql.Identifiers;
import dev.lockplane.plan.HistoryEntry;
import dev.lockplane.plan.Plan;
import dev.lockplane.plan.Step;
import dev.lockplane.planner.Planner;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * {@code lockplane rollback --via-backup}: compares the two ways back from the last migration — its
 * SQL rollback and the backup taken before it — says what each loses, and restores what the user
 * chooses: the affected tables (SQL rollback, then the lost values merged back from the backup), the
 * whole backup into a copy for inspection, or the whole backup in place. SQLite databases.
 */
final class RollbackViaBackup {
  /**
   * What the SQL rollback loses: a dropped table's rows, a dropped column's values, or the values a
   * column's type change altered ({@code typeChange} is then e.g. {@code numeric(10,2) → integer},
   * and {@code count} is -1 when the backup's server cannot convert the values to count them).
   */
  record Loss(String table, String column, long count, String typeChange) {
    Loss(String table, String column, long count) {
      this(table, column, count, null);
    }

    /** Whether merging the backup's values back restores it (a type change's values would conflict). */
    boolean restorable() {
      return typeChange == null;
    }

    String toText() {
      if (typeChange != null) {
        return (count < 0 ? "the values" : String.format(Locale.ROOT, "the %,d values", count)) + " of " + table + "."
            + column + " its type change (" + typeChange + ") altered" + (count < 0 ? " (not counted: the backup's "
            + "server cannot convert them)" : "");
      }
      return column == null ? String.format(Locale.ROOT, "the %,d rows of table %s", count, table)
          : String.format(Locale.ROOT, "the %,d values of %s.%s", count, table, column);
    }
  }

  private final Cli cli;
  private final Planner planner;
  private final Target target;
  private final BackupRepository repo;

  RollbackViaBackup(Cli cli, Planner planner, Target target, BackupRepository repo) {
    this.cli = cli;
    this.planner = planner;
    this.target = target;
    this.repo = repo;
  }

  int run(String backupArg, String restore, boolean yes, Path cloneTo, Path scratch) throws Exception {
    if (!target.sqlite()) {
      throw new LockplaneException(ErrorCode.UNSUPPORTED, "rollback --via-backup restores SQLite databases; for "
          + target.shown() + " restore the backup with 'lockplane backup restore' and roll back with --plan FILE.");
    }
    target.requireExisting("rollback --via-backup");
    HistoryEntry entry = lastApplied(planner, target);
    String id = backupArg == null || backupArg.equals("recorded") ? entry.backupId() : backupArg;
    if (id == null) {
      throw new LockplaneException(ErrorCode.INVALID_INPUT, "Migration #" + entry.id() + " was applied without a "
          + "backup first (apply --backup-to REPO records one); name a backup: rollback --via-backup BACKUP.");
    }
    Backup b = repo.show(id);
    check(entry, b);
    Plan plan = planner.historyPlan(target.dataSource(), entry.id()).orElseThrow();
    Path copy = scratch.resolve("backup-" + b.id() + ".db");
    repo.restore(b.id()).toFile(copy);
    List<Loss> losses;
    List<TableRestore.Written> written;
    Map<String, String> renames = renames(plan);
    try (Connection backup = DriverManager.getConnection("jdbc:sqlite:" + copy);
        Connection live = target.dataSource().getConnection()) {
      losses = losses(backup, live, renames);
      written = TableRestore.writtenSince(backup, live);
    }
    PrintStream out = cli.out();
    out.println("Migration #" + entry.id() + " (" + plan.steps().size() + " step" + (plan.steps().size() == 1 ? "" : "s")
        + ", applied " + entry.started() + "); backup " + b.id() + " taken " + b.stopTime() + ".");
    out.println("SQL rollback loses " + (losses.isEmpty() ? "no values"
        : String.join(", ", losses.stream().map(Loss::toText).toList())) + "; it keeps every row written since.");
    long rows = written.stream().mapToLong(TableRestore.Written::total).sum();
    out.println(String.format(Locale.ROOT, "Restoring backup %s loses %,d row%s written since to %d table%s%s", b.id(),
        rows, rows == 1 ? "" : "s", written.size(), written.size() == 1 ? "" : "s", written.isEmpty() ? "." : ":"));
    written.forEach(w -> out.println("  " + w.toText()));
    out.println("Restoring the affected tables: the SQL rollback, then " + (losses.isEmpty() ? "nothing"
        : String.join(", ", losses.stream().map(Loss::toText).toList())) + " back from the backup; loses nothing "
        + "written since.");
    if (restore == null) {
      out.println("Nothing changed. Choose with --restore tables|clone|in-place.");
      return Main.OK;
    }
    String what = switch (restore) {
      case "tables" -> "roll back migration #" + entry.id() + " and merge the lost data back from backup " + b.id();
      case "clone" -> "restore backup " + b.id() + " into a copy (the live database is not changed)";
      case "in-place" -> "replace " + path() + " with backup " + b.id() + ", losing " + rows + " rows written since";
      default -> throw new LockplaneException(ErrorCode.INVALID_INPUT, "--restore takes tables, clone or in-place, not '"
          + restore + "'.");
    };
    if (!restore.equals("clone") && !yes && !confirm(what)) {
      throw new LockplaneException(ErrorCode.INVALID_INPUT, "Not restored: the answer was not yes.");
    }
    switch (restore) {
      case "tables" -> tables(plan, copy, losses, renames);
      case "clone" -> {
        Path to = cloneTo != null ? cloneTo : path().resolveSibling(path().getFileName() + ".backup-" + b.id() + ".db");
        repo.restore(b.id()).toFile(to);
        out.println("Restored backup " + b.id() + " into " + to.toAbsolutePath() + "; the live database is unchanged.");
        out.println("Connect: jdbc:sqlite:" + to.toAbsolutePath() + "   (sqlite3 " + to.toAbsolutePath() + ")");
      }
      default -> {
        repo.restore(b.id()).overwrite(true).toFile(path());
        out.println("Restored backup " + b.id() + " in place of " + path() + ".");
      }
    }
    return Main.OK;
  }

  private void tables(Plan plan, Path copy, List<Loss> losses, Map<String, String> renames) throws SQLException {
    planner.rollback(plan, target.dataSource());
    cli.out().println("Rolled back the schema (" + plan.rollbackSteps().size() + " step"
        + (plan.rollbackSteps().size() == 1 ? "" : "s") + ").");
    List<TableRestore.Restore> restores = RollbackViaBackup.restores(losses);
    try (Connection backup = DriverManager.getConnection("jdbc:sqlite:" + copy);
        Connection live = target.dataSource().getConnection()) {
      for (TableRestore.Merged m : TableRestore.merge(backup, live, restores)) {
        cli.out().println("Merged " + m.toText() + ".");
      }
    } catch (LockplaneException e) {
      throw new LockplaneException(e.code(), "The schema was rolled back, but the data was not merged. " + e.getMessage(), e);
    }
  }

  /** The last migration the target's history records as applied. */
  static HistoryEntry lastApplied(Planner planner, Target target) {
    List<HistoryEntry> history = planner.history(target.dataSource());
    for (int i = history.size() - 1; i >= 0; i--) {
      if (history.get(i).outcome() == HistoryEntry.Outcome.APPLIED) {
        return history.get(i);
      }
    }
    throw new LockplaneException(ErrorCode.NOT_FOUND, "No applied migration in " + target.shown() + "'s history: "
        + "there is nothing to roll back.");
  }

  /** Refuses a backup that is not of this database, or not from just before the migration. */
  private void check(HistoryEntry entry, Backup b) {
    String refused = "Refusing to roll back migration #" + entry.id() + " through backup " + b.id() + ": ";
    if (b.kind() != BackupKind.SQLITE) {
      throw new LockplaneException(ErrorCode.INVALID_INPUT, refused + "it is a " + b.kind().name().toLowerCase(Locale.ROOT)
          + " backup of a PostgreSQL server, not of an SQLite database.");
    }
    String source = sourceOf(b);
    Path live = path().toAbsolutePath().normalize();
    if (source != null && !Path.of(source).toAbsolutePath().normalize().equals(live)) {
      throw new LockplaneException(ErrorCode.INVALID_INPUT, refused + "it does not match this database: it is a "
          + "backup of " + source + ", not of " + live + ".");
    }
    checkState(planner, target, entry, repo.schemaState(b.id(), "main"), refused);
  }

  /**
   * Refuses a backup whose recorded migration state does not place it just before the migration: taken
   * after it, at a migration this database's history does not hold, older than the migration's start,
   * or of another schema.
   */
  static void checkState(Planner planner, Target target, HistoryEntry entry, Optional<BackupSchemaState> state,
      String refused) {
    BackupSchemaState st = state.orElseThrow(() -> new LockplaneException(
        ErrorCode.INVALID_INPUT, refused + "it records no migration state (taken by an older version), so it cannot "
            + "be matched with this database."));
    if (st.lastMigration() >= entry.id()) {
      throw new LockplaneException(ErrorCode.INVALID_INPUT, refused + "it was taken after the migration (it is at "
          + "migration #" + st.lastMigration() + "), so it holds the migration's changes already.");
    }
    List<HistoryEntry> history = planner.history(target.dataSource());
    if (st.lastMigration() >= 0) {
      HistoryEntry same = history.stream().filter(h -> h.id() == st.lastMigration()).findFirst().orElse(null);
      if (same == null || same.resultHash() == null || !same.resultHash().equals(st.lastMigrationHash())) {
        throw new LockplaneException(ErrorCode.INVALID_INPUT, refused + "it does not match this database: its last "
            + "migration #" + st.lastMigration() + " (" + st.lastMigrationHash() + ") is not in " + target.shown()
            + "'s history" + (same == null ? "" : " as applied (there it left " + same.resultHash() + ")") + ".");
      }
    }
    long between = history.stream().filter(h -> h.outcome() == HistoryEntry.Outcome.APPLIED)
        .filter(h -> h.id() > st.lastMigration() && h.id() < entry.id()).count();
    if (between > 0) {
      throw new LockplaneException(ErrorCode.INVALID_INPUT, refused + "it is " + between + " migration"
          + (between == 1 ? "" : "s") + " older than the migration's start; restoring it would undo those too.");
    }
    if (st.schemaHash() != null && !st.schemaHash().equals(entry.sourceHash())) {
      throw new LockplaneException(ErrorCode.INVALID_INPUT, refused + "its schema " + st.schemaHash() + " is not the "
          + "one the migration started from (" + entry.sourceHash() + ").");
    }
  }

  /** The SQLite file a backup was taken of, as its manifest records it, or null. */
  private String sourceOf(Backup b) {
    try {
      var node = new com.fasterxml.jackson.databind.ObjectMapper().readTree(repo.manifestJson(b.id()));
      String source = node.path("manifest").path("attributes").path("source").asText("");
      return source.startsWith("SQLite ") ? source.substring("SQLite ".length()) : null;
    } catch (IOException e) {
      throw new LockplaneException(ErrorCode.CORRUPTED, "Cannot read the manifest of backup " + b.id() + ": " + e, e);
    }
  }

  /** The plan's column renames: live column (table.new) → its name in the backup. */
  static Map<String, String> renames(Plan plan) {
    Map<String, String> out = new HashMap<>();
    for (Step s : plan.steps()) {
      if (s.operation().equals("rename_column") && s.renamedFrom() != null) {
        for (String o : s.objects()) {
          if (o.startsWith("column ")) {
            String[] p = o.substring("column ".length()).split("\\.");
            out.put(p[p.length - 2] + "." + p[p.length - 1], s.renamedFrom());
          }
        }
      }
    }
    return out;
  }

  /** Tables and columns of the backup the live database no longer has: what the SQL rollback cannot bring back. */
  private static List<Loss> losses(Connection backup, Connection live, Map<String, String> renames)
      throws SQLException {
    List<Loss> out = new ArrayList<>();
    Map<String, List<String>> now = columns(live);
    for (Map.Entry<String, List<String>> t : columns(backup).entrySet()) {
      String table = t.getKey();
      List<String> liveCols = now.get(table);
      if (liveCols == null) {
        out.add(new Loss(table, null, count(backup, "SELECT count(*) FROM " + Identifiers.quote(table))));
        continue;
      }
      List<String> kept = liveCols.stream().map(c -> renames.getOrDefault(table + "." + c, c)).toList();
      for (String c : t.getValue()) {
        if (!kept.contains(c)) {
          out.add(new Loss(table, c, count(backup, "SELECT count(" + Identifiers.quote(c) + ") FROM "
              + Identifiers.quote(table))));
        }
      }
    }
    return out;
  }

  private static Map<String, List<String>> columns(Connection c) throws SQLException {
    Map<String, List<String>> out = new LinkedHashMap<>();
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT m.name, p.name FROM sqlite_master m, "
        + "pragma_table_info(m.name) p WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite\\_%' ESCAPE '\\' "
        + "AND m.name <> 'lockplane_history' ORDER BY m.name, p.cid")) {
      while (rs.next()) {
        out.computeIfAbsent(rs.getString(1), k -> new ArrayList<>()).add(rs.getString(2));
      }
    }
    return out;
  }

  /**
   * What to merge back for the losses: whole tables' rows, and the lost columns' values per table.
   * Values a type change altered are left out: after the SQL rollback the live column holds them
   * converted back, which the merge would take for writes since and refuse as conflicts.
   */
  static List<TableRestore.Restore> restores(List<Loss> losses) {
    Map<String, List<String>> columns = new LinkedHashMap<>();
    List<TableRestore.Restore> restores = new ArrayList<>();
    for (Loss l : losses) {
      if (!l.restorable()) {
        continue;
      }
      if (l.column() == null) {
        restores.add(TableRestore.Restore.rows(l.table()));
      } else {
        columns.computeIfAbsent(l.table(), t -> new ArrayList<>()).add(l.column());
      }
    }
    columns.forEach((t, cols) -> restores.add(TableRestore.Restore.columns(t, cols)));
    return restores;
  }

  /** Returns the number a one-row, one-column query gives. */
  static long count(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private Path path() {
    return Path.of(target.url().substring("jdbc:sqlite:".length()).replaceFirst("\\?.*$", "")
        .replaceFirst("^file:", ""));
  }

  private boolean confirm(String what) throws IOException {
    return confirm(cli, what);
  }

  /** Asks on the terminal; without one, refuses and names --yes. */
  static boolean confirm(Cli cli, String what) throws IOException {
    if (!cli.terminal()) {
      throw new LockplaneException(ErrorCode.INVALID_INPUT, "rollback --via-backup --restore asks before it changes "
          + "the database, and there is no terminal to ask on: pass --yes to " + what + ".");
    }
    cli.out().print("This will " + what + ". Continue? [y/N] ");
    cli.out().flush();
    String answer = new BufferedReader(new InputStreamReader(cli.in(), StandardCharsets.UTF_8)).readLine();
    return answer != null && (answer.trim().equalsIgnoreCase("y") || answer.trim().equalsIgnoreCase("yes"));
  }

  /** Removes the scratch directory and the copy in it. */
  static void delete(Path scratch) throws IOException {
    try (var files = Files.list(scratch)) {
      for (Path f : files.toList()) {
        Files.deleteIfExists(f);
      }
    }
    Files.deleteIfExists(scratch);
  }

  /** A private scratch directory for the backup's restored copy, removed afterwards. */
  static Path scratch() throws IOException {
    return Files.createTempDirectory("lockplane-rollback-");
  }
}
