package dev.lockplane.internal.planner.sqlite;

import static dev.lockplane.internal.planner.Rows.bool;
import static dev.lockplane.internal.planner.Rows.lng;
import static dev.lockplane.internal.planner.Rows.str;
import dev.lockplane.internal.planner.Rows;
import dev.lockplane.internal.planner.TableBuilder;
import dev.lockplane.internal.sql.Identifiers;
import dev.lockplane.schema.Column;
import dev.lockplane.schema.Constraint;
import dev.lockplane.schema.DatabaseSchema;
import dev.lockplane.schema.Dialect;
import dev.lockplane.schema.Index;
import dev.lockplane.schema.Table;
import dev.lockplane.schema.Trigger;
import dev.lockplane.schema.View;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jdbi.v3.core.Handle;


/**
 * Reads a SQLite database through {@code sqlite_master} and the table pragmas. Unnamed unique,
 * foreign key and check constraints get names derived from their columns or position, so that a
 * model read twice is the same.
 */
public final class SqliteIntrospector {
  public static final String SCHEMA = "main";
  private static final Pattern VIEW_QUERY = Pattern.compile(
      "(?is)^\\s*CREATE\\s+(?:TEMP\\w*\\s+)?VIEW\\s+(?:IF\\s+NOT\\s+EXISTS\\s+)?(?:\"[^\"]+\"|\\S+?)\\s*(?:\\([^)]*\\)\\s*)?AS\\s+(.*)$");

  private SqliteIntrospector() {}

  public static DatabaseSchema introspect(Connection connection) {
    try (Handle h = Rows.borrow(connection)) {
      List<Map<String, Object>> master = h.createQuery("SELECT type, name, tbl_name, sql FROM sqlite_master "
          + "WHERE name NOT LIKE 'sqlite_%' AND name <> 'lockplane_history' ORDER BY type, name").mapToMap().list();
      List<String> relations = master.stream().filter(r -> !"index".equals(str(r, "type"))
          && !"trigger".equals(str(r, "type"))).map(r -> str(r, "name")).toList();
      Map<String, TableBuilder> tables = new LinkedHashMap<>();
      Map<String, List<Index>> indexes = new LinkedHashMap<>();
      List<View> views = new ArrayList<>();
      for (Map<String, Object> r : master) {
        String type = str(r, "type");
        String name = str(r, "name");
        if ("table".equals(type)) {
          tables.put(name, table(h, name, str(r, "sql")));
        } else if ("view".equals(type)) {
          Matcher m = VIEW_QUERY.matcher(str(r, "sql"));
          String def = m.find() ? m.group(1).strip() : str(r, "sql");
          List<String> deps = relations.stream().filter(t -> !t.equals(name)
              && Pattern.compile("(?i)(?<![\\w\"])\"?" + Pattern.quote(t) + "\"?(?![\\w\"])").matcher(def).find())
              .map(t -> SCHEMA + "." + t).sorted().toList();
          views.add(new View(SCHEMA, name, false, def, deps, List.of(), null, viewTriggers(master, name)));
        }
      }
      for (Map<String, Object> r : master) {
        if ("index".equals(str(r, "type")) && str(r, "sql") != null) {
          indexes.computeIfAbsent(str(r, "tbl_name"), k -> new ArrayList<>()).add(index(h, str(r, "name"), str(r, "sql")));
        } else if ("trigger".equals(str(r, "type"))) {
          TableBuilder t = tables.get(str(r, "tbl_name"));
          if (t != null) {
            t.triggers.add(new Trigger(str(r, "name"), null, str(r, "sql"), true, null));
          }
        }
      }
      List<Table> out = new ArrayList<>();
      tables.forEach((name, b) -> out.add(b.build(indexes.getOrDefault(name, List.of()))));
      return new DatabaseSchema(Dialect.SQLITE, List.of(), List.of(), List.of(), List.of(), List.of(), List.of(),
          out, views, List.of());
    }
  }

  /** The triggers on a view ({@code INSTEAD OF}), sorted by name as sqlite_master lists them. */
  private static List<Trigger> viewTriggers(List<Map<String, Object>> master, String view) {
    return master.stream().filter(r -> "trigger".equals(str(r, "type")) && view.equals(str(r, "tbl_name")))
        .map(r -> new Trigger(str(r, "name"), null, str(r, "sql"), true, null)).toList();
  }


  private static TableBuilder table(Handle h, String name, String sql) {
    TableBuilder t = new TableBuilder(SCHEMA, name);
    List<String> pk = new ArrayList<>();
    Map<Long, String> pkOrder = new java.util.TreeMap<>();
    for (Map<String, Object> c : h.createQuery("SELECT * FROM pragma_table_xinfo(" + lit(name) + ") ORDER BY cid").mapToMap().list()) {
      long hidden = lng(c, "hidden");
      String col = str(c, "name");
      String generated = hidden == 2 || hidden == 3 ? generatedExpression(sql, col) : null;
      t.columns.add(new Column(col, str(c, "type") == null ? "" : str(c, "type"), bool(c, "notnull") || lng(c, "notnull") == 1,
          str(c, "dflt_value"), null, generated, null, null, null, null, hidden == 2));
      if (lng(c, "pk") > 0) {
        pkOrder.put(lng(c, "pk"), col);
      }
    }
    pk.addAll(pkOrder.values());
    if (!pk.isEmpty()) {
      t.constraints.add(new Constraint.PrimaryKey("primary_key", pk));
    }
    for (Map<String, Object> ix : h.createQuery("SELECT * FROM pragma_index_list(" + lit(name) + ")").mapToMap().list()) {
      if ("u".equals(str(ix, "origin"))) {
        List<String> cols = h.createQuery("SELECT name FROM pragma_index_info(" + lit(str(ix, "name")) + ") ORDER BY seqno")
            .mapTo(String.class).list();
        t.constraints.add(new Constraint.Unique("unique_" + String.join("_", cols), cols, false, false, false));
      }
    }
    Map<Long, List<Map<String, Object>>> fks = new java.util.TreeMap<>();
    h.createQuery("SELECT * FROM pragma_foreign_key_list(" + lit(name) + ") ORDER BY id, seq").mapToMap().list()
        .forEach(r -> fks.computeIfAbsent(lng(r, "id"), k -> new ArrayList<>()).add(r));
    for (List<Map<String, Object>> fk : fks.values()) {
      List<String> from = fk.stream().map(r -> str(r, "from")).toList();
      List<String> to = fk.stream().map(r -> str(r, "to")).toList();
      String ref = str(fk.get(0), "table");
      String match = str(fk.get(0), "match");
      t.constraints.add(new Constraint.ForeignKey("fk_" + String.join("_", from) + "_" + ref, from, SCHEMA + "." + ref,
          to, str(fk.get(0), "on_update"), str(fk.get(0), "on_delete"),
          match == null || "NONE".equalsIgnoreCase(match) ? "SIMPLE" : match.toUpperCase(Locale.ROOT), false, false));
    }
    t.constraints.addAll(SqliteChecks.checks(sql));
    // Table options, in the order CREATE TABLE takes them (pragma_table_list: SQLite 3.37 and later).
    List<String> options = new ArrayList<>();
    h.createQuery("SELECT wr, strict FROM pragma_table_list WHERE schema = 'main' AND name = " + lit(name))
        .mapToMap().findFirst().ifPresent(r -> {
          if (lng(r, "strict") == 1) {
            options.add("STRICT");
          }
          if (lng(r, "wr") == 1) {
            options.add("WITHOUT ROWID");
          }
        });
    t.storageParameters = options;
    return t;
  }

  private static String generatedExpression(String sql, String column) {
    Matcher m = Pattern.compile("(?is)(?:^|[,(]\\s*)\"?" + Pattern.quote(column)
        + "\"?[^,]*?(?:GENERATED\\s+ALWAYS\\s+)?\\bAS\\s*\\(").matcher(sql);
    if (!m.find()) {
      return "(unknown)";
    }
    return "(" + SqliteChecks.balanced(sql, m.end()) + ")";
  }

  private static Index index(Handle h, String name, String sql) {
    List<String> keys = new ArrayList<>();
    for (Map<String, Object> r : h.createQuery("SELECT * FROM pragma_index_xinfo(" + lit(name) + ") WHERE key = 1 ORDER BY seqno")
        .mapToMap().list()) {
      String col = str(r, "name");
      keys.add((col == null ? "(expression)" : Identifiers.quote(col)) + (bool(r, "desc") || lng(r, "desc") == 1 ? " DESC" : ""));
    }
    boolean unique = sql.toUpperCase(Locale.ROOT).matches("(?s)\\s*CREATE\\s+UNIQUE.*");
    String where = null;
    int open = sql.indexOf('(');
    if (open >= 0) {
      String inner = SqliteChecks.balanced(sql, open + 1);
      if (keys.stream().anyMatch(k -> k.startsWith("(expression)"))) {
        keys = List.of(inner.strip());
      }
      String rest = sql.substring(open + 1 + inner.length() + 1).strip();
      if (rest.toUpperCase(Locale.ROOT).startsWith("WHERE")) {
        where = rest.substring(5).strip();
      }
    }
    return new Index(name, unique, "btree", keys, List.of(), where, null);
  }

  private static String lit(String s) {
    return "'" + s.replace("'", "''") + "'";
  }
}
