package dev.lockplane.cli;

import dev.lockplane.ErrorCode;
import dev.lockplane.LockplaneException;
import dev.lockplane.backup.Backup;
import dev.lockplane.backup.BackupKind;
import dev.lockplane.backup.BackupRepository;
import dev.lockplane.backup.RestoredServer;
import dev.lockplane.backup.TableRestore;
import dev.lockplane.cli.OutputOptions.Format;
import dev.lockplane.cli.RollbackViaBackup.Loss;
import dev.lockplane.internal.sql.Identifiers;
import dev.lockplane.internal.sql.JdbcUrls;
import dev.lockplane.plan.HistoryEntry;
import dev.lockplane.plan.Plan;
import dev.lockplane.planner.Planner;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * {@code lockplane rollback --via-backup} on a PostgreSQL database: the backup taken before the last
 * migration (physical or logical) is restored into a temporary server of its own, compared with the
 * live database, and then, as the user chooses, the affected tables are merged back (SQL rollback,
 * then the lost values from the backup), the backup's database is restored beside the live one for
 * inspection, or it replaces the live one (restored beside, then swapped by renaming both in one
 * transaction; the replaced database is kept under another name).
 */
final class PostgresRollbackViaBackup {
  private final Cli cli;
  private final Planner planner;
  private final Target target;
  private final BackupRepository repo;
  private final Format format;
  /** The JSON report, filled as the run goes. */
  private final Map<String, Object> json = new TreeMap<>();

  PostgresRollbackViaBackup(Cli cli, Planner planner, Target target, BackupRepository repo, Format format) {
    this.cli = cli;
    this.planner = planner;
    this.target = target;
    this.repo = repo;
    this.format = format;
  }

  int run(String backupArg, String restore, boolean yes, String cloneTo) throws Exception {
    if (restore != null && !List.of("tables", "clone", "in-place").contains(restore)) {
      throw new LockplaneException(ErrorCode.INVALID_INPUT, "--restore takes tables, clone or in-place, not '"
          + restore + "'.");
    }
    String database = JdbcUrls.databaseOf(target.url());
    if (restore != null && !restore.equals("clone") && !yes && !cli.terminal()) {
      // refused before the backup is restored: without a terminal there is no one to ask
      throw new LockplaneException(ErrorCode.INVALID_INPUT, "rollback --via-backup --restore " + restore + " asks "
          + "before it changes database " + database + ", and there is no terminal to ask on: pass --yes.");
    }
    HistoryEntry entry = RollbackViaBackup.lastApplied(planner, target);
    String id = backupArg == null || backupArg.equals("recorded") ? entry.backupId() : backupArg;
    if (id == null) {
      throw new LockplaneException(ErrorCode.INVALID_INPUT, "Migration #" + entry.id() + " was applied without a "
          + "backup first (apply --backup-to REPO records one); name a backup: rollback --via-backup BACKUP.");
    }
    Backup b = repo.show(id);
    check(entry, b, database);
    Plan plan = planner.historyPlan(target.dataSource(), entry.id()).orElseThrow();
    Map<String, String> renames = RollbackViaBackup.renames(plan);
    try (RestoredServer copy = repo.restore(b.id()).asServer()) {
      List<Loss> losses;
      List<TableRestore.Written> written;
      try (Connection before = copy.server().connect(database); Connection live = target.dataSource().getConnection()) {
        losses = losses(before, live, renames);
        written = TableRestore.writtenSince(before, live, conversions(before, live));
      }
      report(entry, plan, b, losses, written);
      if (restore == null) {
        say("Nothing changed. Choose with --restore tables|clone|in-place.");
        return finish(null);
      }
      long rows = written.stream().mapToLong(TableRestore.Written::total).sum();
      String what = switch (restore) {
        case "tables" -> "roll back migration #" + entry.id() + " and merge the lost data back from backup " + b.id();
        case "clone" -> "restore backup " + b.id() + " beside " + database + " (the live database is not changed)";
        default -> "replace database " + database + " with backup " + b.id() + ", losing " + rows + " rows written since";
      };
      if (!restore.equals("clone") && !yes && !RollbackViaBackup.confirm(cli, what)) {
        throw new LockplaneException(ErrorCode.INVALID_INPUT, "Not restored: the answer was not yes.");
      }
      switch (restore) {
        case "tables" -> tables(plan, copy, database, losses, renames);
        case "clone" -> clone(copy, database, b, cloneTo);
        default -> inPlace(copy, database, b);
      }
      return finish(restore);
    }
  }

  private int finish(String restored) {
    if (format == Format.JSON) {
      json.put("restored", restored);
      cli.out().print(Json.write(json));
    }
    return Main.OK;
  }

  private void say(String line) {
    if (format == Format.TEXT) {
      cli.out().println(line);
    }
  }

  private void report(HistoryEntry entry, Plan plan, Backup b, List<Loss> losses, List<TableRestore.Written> written) {
    long rows = written.stream().mapToLong(TableRestore.Written::total).sum();
    json.put("migration", Map.of("id", entry.id(), "applied", entry.started().toString(), "steps", plan.steps().size()));
    json.put("backup", Map.of("id", b.id(), "kind", b.kind().name().toLowerCase(Locale.ROOT),
        "taken", b.stopTime().toString()));
    json.put("sqlRollbackLoses", losses.stream().map(l -> {
      Map<String, Object> m = new TreeMap<>();
      m.put("table", l.table());
      m.put("column", l.column());
      m.put(l.column() == null ? "rows" : "values", l.count() < 0 ? null : l.count());
      if (l.typeChange() != null) {
        m.put("typeChange", l.typeChange());
      }
      return m;
    }).toList());
    json.put("restoreLoses", Map.of("rows", rows, "tables", written.stream().map(w -> Map.of("table", w.table(),
        "inserted", w.inserted(), "updated", w.updated(), "deleted", w.deleted())).toList()));
    String lost = losses.isEmpty() ? null : String.join(", ", losses.stream().map(Loss::toText).toList());
    say("Migration #" + entry.id() + " (" + plan.steps().size() + " step" + (plan.steps().size() == 1 ? "" : "s")
        + ", applied " + entry.started() + "); " + b.kind().name().toLowerCase(Locale.ROOT) + " backup " + b.id()
        + " taken " + b.stopTime() + ".");
    say("SQL rollback loses " + (lost == null ? "no values" : lost) + "; it keeps every row written since.");
    say(String.format(Locale.ROOT, "Restoring backup %s loses %,d row%s written since to %d table%s%s", b.id(), rows,
        rows == 1 ? "" : "s", written.size(), written.size() == 1 ? "" : "s", written.isEmpty() ? "." : ":"));
    written.forEach(w -> say("  " + w.toText()));
    List<Loss> restorable = losses.stream().filter(Loss::restorable).toList();
    say("Restoring the affected tables: the SQL rollback, then " + (restorable.isEmpty() ? "nothing"
        : String.join(", ", restorable.stream().map(Loss::toText).toList()))
        + " back from the backup; loses nothing written since."
        + (restorable.size() == losses.size() ? "" : " Values a type change altered stay as the SQL rollback converts"
            + " them back: restore in place, or take them from a clone (--restore clone)."));
  }

  /** Refuses a backup that is not of this database, or not from just before the migration. */
  private void check(HistoryEntry entry, Backup b, String database) throws IOException, SQLException {
    String refused = "Refusing to roll back migration #" + entry.id() + " through backup " + b.id() + ": ";
    if (b.kind() == BackupKind.SQLITE) {
      throw new LockplaneException(ErrorCode.INVALID_INPUT, refused + "it is a backup of an SQLite database, not of "
          + "the PostgreSQL database " + database + ".");
    }
    if (!b.databases().contains(database)) {
      throw new LockplaneException(ErrorCode.INVALID_INPUT, refused + "it does not match this database: it holds "
          + (b.databases().size() == 1 ? "database " : "databases ") + String.join(", ", b.databases()) + ", not "
          + database + ".");
    }
    String backedUp = new com.fasterxml.jackson.databind.ObjectMapper().readTree(repo.manifestJson(b.id()))
        .path("manifest").path("systemIdentifier").asText("");
    String live = systemIdentifier();
    if (!backedUp.isEmpty() && live != null && !backedUp.equals(live)) {
      throw new LockplaneException(ErrorCode.INVALID_INPUT, refused + "it does not match this database: it is a "
          + "backup of the server with system identifier " + backedUp + ", and " + target.shown() + " is on the server "
          + live + ". Name a backup taken from that server (lockplane backup list shows the repository's backups),"
          + " or point --url at the server the backup was taken from.");
    }
    RollbackViaBackup.checkState(planner, target, entry, repo.schemaState(b.id(), database), refused);
  }

  /**
   * The live server's system identifier: from {@code pg_control_system()}, or, where this role may not
   * call it, over the replication protocol ({@code IDENTIFY_SYSTEM}, as the backup before the apply
   * was taken); null when neither is allowed.
   */
  private String systemIdentifier() throws SQLException {
    try (Connection c = target.dataSource().getConnection(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT system_identifier::text FROM pg_control_system()")) {
      return rs.next() ? rs.getString(1) : null;
    } catch (SQLException e) {
      if (!"42501".equals(e.getSQLState())) {
        throw e;
      }
    }
    Properties props = new Properties();
    String user = target.user() != null ? target.user() : JdbcUrls.userOf(target.url());
    String password = target.password() != null ? target.password() : JdbcUrls.passwordOf(target.url());
    if (user != null) {
      props.setProperty("user", user);
    }
    if (password != null) {
      props.setProperty("password", password);
    }
    props.setProperty("replication", "true");
    props.setProperty("assumeMinServerVersion", "10");
    props.setProperty("preferQueryMode", "simple");
    try (Connection c = DriverManager.getConnection(target.url().replaceFirst("\\?.*$", ""), props);
        Statement s = c.createStatement(); ResultSet rs = s.executeQuery("IDENTIFY_SYSTEM")) {
      return rs.next() ? rs.getString("systemid") : null;
    } catch (SQLException e) {
      return null;
    }
  }

  private void tables(Plan plan, RestoredServer copy, String database, List<Loss> losses, Map<String, String> renames)
      throws SQLException {
    planner.rollback(plan, target.dataSource());
    say("Rolled back the schema (" + plan.rollbackSteps().size() + " step" + (plan.rollbackSteps().size() == 1 ? "" : "s")
        + ").");
    List<TableRestore.Restore> restores = RollbackViaBackup.restores(losses);
    List<Map<String, Object>> merged = new ArrayList<>();
    try (Connection before = copy.server().connect(database); Connection live = target.dataSource().getConnection()) {
      for (TableRestore.Merged m : TableRestore.merge(before, live, restores)) {
        say("Merged " + m.toText() + ".");
        merged.add(Map.of("table", m.table(), "rowsInserted", m.rowsInserted(), "valuesRestored", m.valuesRestored(),
            "rowsDeletedSince", m.rowsGoneSince(), "rowsInsertedSince", m.rowsNewSince()));
      }
    } catch (LockplaneException e) {
      throw new LockplaneException(e.code(), "The schema was rolled back, but the data was not merged. " + e.getMessage(), e);
    }
    json.put("merged", merged);
  }

  private void clone(RestoredServer copy, String database, Backup b, String cloneTo) {
    String name = cloneTo != null ? cloneTo : name(database + "_backup_", b.id());
    copy.copyDatabase(database, target.url(), target.user(), target.password(), name);
    String url = JdbcUrls.withDatabase(target.shown(), name);
    say("Restored backup " + b.id() + " beside " + database + " as database " + name + "; the live database is "
        + "unchanged. Drop it when done (DROP DATABASE " + Identifiers.quote(name) + ").");
    say("Connect: " + url + "   (psql -d " + name + ")");
    json.put("clone", Map.of("database", name, "url", url));
  }

  /**
   * Restores beside, then swaps by renaming both databases in one transaction: until the commit the
   * live database is untouched, and after it the replaced one is still there under another name.
   */
  private void inPlace(RestoredServer copy, String database, Backup b) throws SQLException {
    String restoring = name(database + "_restoring_", b.id());
    String replaced = name(database + "_replaced_", b.id());
    copy.copyDatabase(database, target.url(), target.user(), target.password(), restoring);
    String maintenance = JdbcUrls.withDatabase(target.url(), database.equals("postgres") ? "template1" : "postgres");
    try (Connection c = new UrlDataSource(maintenance, target.user(), target.password()).getConnection();
        Statement s = c.createStatement()) {
      // a rename needs the database to itself; connections opened between this and the rename fail it
      s.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = "
          + Identifiers.literal(database) + " AND pid <> pg_backend_pid()");
      c.setAutoCommit(false);
      try {
        s.execute("ALTER DATABASE " + Identifiers.quote(database) + " RENAME TO " + Identifiers.quote(replaced));
        s.execute("ALTER DATABASE " + Identifiers.quote(restoring) + " RENAME TO " + Identifiers.quote(database));
        c.commit();
      } catch (SQLException e) {
        c.rollback();
        c.setAutoCommit(true);
        s.execute("DROP DATABASE IF EXISTS " + Identifiers.quote(restoring) + " WITH (FORCE)");
        throw new LockplaneException(ErrorCode.DATABASE_ERROR, "Database " + database + " was not replaced (it is as "
            + "it was): swapping in the restored copy failed: " + JdbcUrls.redact(e.getMessage()) + ". Close the "
            + "connections other roles hold to it, or give the role ownership of it and CREATEDB, and try again.", e);
      }
    }
    say("Restored backup " + b.id() + " in place of database " + database + ". The replaced database is kept as "
        + replaced + ": drop it when satisfied (DROP DATABASE " + Identifiers.quote(replaced) + ").");
    json.put("replaced", Map.of("database", database, "keptAs", replaced));
  }

  /** A database name from a prefix and a backup id, within PostgreSQL's 63 bytes. */
  private static String name(String prefix, String backupId) {
    String id = backupId.replaceAll("[^A-Za-z0-9]", "").toLowerCase(Locale.ROOT);
    String n = prefix + id;
    return n.length() > 63 ? n.substring(0, 63) : n;
  }

  /**
   * Tables and columns of the backup the live database no longer has: what the SQL rollback cannot
   * bring back. Lockplane's own schema is left out.
   */
  private static List<Loss> losses(Connection before, Connection live, Map<String, String> renames) throws SQLException {
    List<Loss> out = new ArrayList<>();
    Map<String, Map<String, String>> now = columns(live);
    for (Map.Entry<String, Map<String, String>> t : columns(before).entrySet()) {
      String table = t.getKey();
      String sql = sqlName(table);
      Map<String, String> liveCols = now.get(table);
      if (liveCols == null) {
        out.add(new Loss(table, null, RollbackViaBackup.count(before, "SELECT count(*) FROM " + sql)));
        continue;
      }
      String bare = table.substring(table.indexOf('.') + 1);
      // backup column name → its live type, through the plan's renames
      Map<String, String> kept = new TreeMap<>();
      liveCols.forEach((c, type) -> kept.put(renames.getOrDefault(bare + "." + c, c), type));
      for (Map.Entry<String, String> col : t.getValue().entrySet()) {
        String c = col.getKey();
        String newType = kept.get(c);
        if (newType == null) {
          out.add(new Loss(table, c, RollbackViaBackup.count(before, "SELECT count(" + Identifiers.quote(c) + ") FROM " + sql)));
        } else if (!newType.equals(col.getValue())) {
          Loss altered = typeChangeLoss(before, table, c, col.getValue(), newType);
          if (altered.count() != 0) {
            out.add(altered);
          }
        }
      }
    }
    return out;
  }

  /**
   * The values of a column whose type the migration changed that its conversion altered: the backup's
   * values that do not survive the migration's cast ({@code c::new}) and the SQL rollback's cast back
   * ({@code ::old}), the casts the planner writes. Counted on the backup's copy, which holds the values
   * from before the migration; the text forms are compared, so types without equality count too.
   */
  private static Loss typeChangeLoss(Connection before, String table, String column, String oldType, String newType) {
    String c = Identifiers.quote(column);
    String change = oldType + " → " + newType;
    try {
      return new Loss(table, column, RollbackViaBackup.count(before, "SELECT count(*) FROM " + sqlName(table)
          + " WHERE " + c + " IS NOT NULL AND ((" + c + ")::" + newType + ")::" + oldType + "::text IS DISTINCT FROM "
          + c + "::text"), change);
    } catch (SQLException e) {
      // e.g. a type the migration created, unknown to the backup's server: listed, not counted
      return new Loss(table, column, -1, change);
    }
  }

  private static String sqlName(String table) {
    int dot = table.indexOf('.');
    return Identifiers.qualified(table.substring(0, dot), table.substring(dot + 1));
  }

  /** Table → column → type (as {@code format_type} prints it), columns in their table's order. */
  /**
   * The columns whose type the migration changed, table → column → live type: rows the migration only
   * converted are compared after the same conversion, not counted as written since.
   */
  private static Map<String, Map<String, String>> conversions(Connection before, Connection live) throws SQLException {
    Map<String, Map<String, String>> now = columns(live);
    Map<String, Map<String, String>> out = new TreeMap<>();
    columns(before).forEach((table, cols) -> {
      Map<String, String> liveCols = now.getOrDefault(table, Map.of());
      cols.forEach((column, type) -> {
        String liveType = liveCols.get(column);
        if (liveType != null && !liveType.equals(type)) {
          out.computeIfAbsent(table, k -> new TreeMap<>()).put(column, liveType);
        }
      });
    });
    return out;
  }

  private static Map<String, Map<String, String>> columns(Connection c) throws SQLException {
    Map<String, Map<String, String>> out = new TreeMap<>();
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT n.nspname || '.' || t.relname, "
        + "a.attname, format_type(a.atttypid, a.atttypmod) FROM pg_class t JOIN pg_namespace n ON n.oid = "
        + "t.relnamespace JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum > 0 AND NOT a.attisdropped "
        + "WHERE t.relkind IN ('r', 'p') AND n.nspname "
        + "NOT IN ('pg_catalog', 'information_schema', 'lockplane') AND n.nspname NOT LIKE 'pg\\_%' "
        + "ORDER BY 1, a.attnum")) {
      while (rs.next()) {
        out.computeIfAbsent(rs.getString(1), k -> new LinkedHashMap<>()).put(rs.getString(2), rs.getString(3));
      }
    }
    return out;
  }

  /** The {@code --clone-to} value as a database name. */
  static String databaseName(Path cloneTo) {
    return cloneTo == null ? null : cloneTo.toString();
  }
}
