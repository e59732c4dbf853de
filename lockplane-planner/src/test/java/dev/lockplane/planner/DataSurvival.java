package dev.lockplane.planner;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lockplane.internal.sql.Identifiers;
import dev.lockplane.plan.Plan;
import dev.lockplane.plan.Step;
import dev.lockplane.schema.Column;
import dev.lockplane.schema.DatabaseSchema;
import dev.lockplane.schema.Dialect;
import dev.lockplane.schema.Domain;
import dev.lockplane.schema.EnumType;
import dev.lockplane.schema.Table;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The corpus' data oracle: loads a few rows into every table of the "before" database, and after
 * the plan has run checks that every column that exists before and after (by name or by rename
 * hint) still holds the same values, or the cast of them to the column's new type. A column whose
 * values are lost must be named by a destructive step of the plan (its column or its table).
 */
final class DataSurvival {
  private static final int ROWS = 3;

  /** A column that survives the plan: its old and new table and name, and its types. */
  private record Surviving(Table oldTable, Table newTable, Column oldColumn, Column newColumn, List<String> values) {}

  private final String caseName;
  private final DatabaseSchema start;
  private final DatabaseSchema desired;
  private final boolean sqlite;
  private final List<Surviving> surviving = new ArrayList<>();

  private DataSurvival(String caseName, DatabaseSchema start, DatabaseSchema desired) {
    this.caseName = caseName;
    this.start = start;
    this.desired = desired;
    this.sqlite = start.dialect() == Dialect.SQLITE;
  }

  /**
   * Fills the tables of {@code start} (the introspected "before" database) with rows and records the
   * values of the columns that survive into {@code desired}. Tables that take no rows are skipped,
   * with the reason printed.
   */
  static DataSurvival load(String caseName, Connection a, DatabaseSchema start, DatabaseSchema desired)
      throws SQLException {
    DataSurvival d = new DataSurvival(caseName, start, desired);
    d.fill(a);
    d.snapshot(a);
    System.out.println("data oracle " + caseName + ": " + d.surviving.size() + " surviving column(s), "
        + d.surviving.stream().mapToInt(s -> s.values().size()).sum() + " value(s) to keep");
    return d;
  }

  private void fill(Connection a) throws SQLException {
    List<Table> pending = new ArrayList<>(start.tables().stream()
        .filter(t -> t.partitionOf() == null && !t.columns().isEmpty()).toList());
    Map<String, String> failures = new LinkedHashMap<>();
    // Referencing tables may only fill once the tables they reference have rows: repeat while a pass fills one.
    boolean progress = true;
    while (progress && !pending.isEmpty()) {
      progress = false;
      for (Table t : List.copyOf(pending)) {
        String failure = insert(a, t, false);
        if (failure != null) {
          failure = insert(a, t, true);
        }
        if (failure == null) {
          pending.remove(t);
          failures.remove(t.qualifiedName());
          progress = true;
        } else {
          failures.put(t.qualifiedName(), failure);
        }
      }
    }
    failures.forEach((t, why) -> System.out.println("data oracle " + caseName + ": table " + t
        + " skipped (takes no generated rows: " + why.lines().findFirst().orElse("") + ")"));
  }

  /** Inserts the rows, all columns given, or only those that need a value; returns the error or null. */
  private String insert(Connection a, Table t, boolean minimal) {
    List<Column> cols = t.columns().stream().filter(c -> c.generated() == null)
        .filter(c -> !minimal || (c.notNull() && c.defaultValue() == null && c.identity() == null))
        .toList();
    StringBuilder sql = new StringBuilder("INSERT INTO ").append(name(t));
    if (cols.isEmpty()) {
      sql.append(" DEFAULT VALUES");
    } else {
      sql.append(" (").append(String.join(", ", cols.stream().map(c -> Identifiers.quote(c.name())).toList()))
          .append(")").append(t.columns().stream().anyMatch(c -> c.identity() == Column.Identity.ALWAYS)
              && !sqlite ? " OVERRIDING SYSTEM VALUE" : "").append(" VALUES ");
    }
    try (Statement s = a.createStatement()) {
      for (int i = 1; i <= ROWS; i++) {
        if (cols.isEmpty()) {
          s.execute(sql.toString());
          continue;
        }
        List<String> values = new ArrayList<>();
        for (Column c : cols) {
          String v = value(t, c, i);
          values.add(v == null ? "NULL" : Identifiers.literal(v));
        }
        s.execute(sql + "(" + String.join(", ", values) + ")");
      }
      return null;
    } catch (SQLException e) {
      try (Statement s = a.createStatement()) {
        s.execute("DELETE FROM " + name(t));
      } catch (SQLException ignored) {
        // The table keeps the rows inserted before the failure; the snapshot reads whatever is there.
      }
      return e.getMessage();
    }
  }

  private String name(Table t) {
    return sqlite ? Identifiers.quote(t.name()) : Identifiers.qualified(t.schema(), t.name());
  }

  /** A value as text for row {@code i} of a column, chosen from its type (and the type it is going to). */
  private String value(Table t, Column c, int i) {
    String type = c.type().toLowerCase(Locale.ROOT);
    boolean array = type.endsWith("[]");
    String base = array ? type.substring(0, type.indexOf('[')) : type;
    Optional<Column> target = target(t).flatMap(n -> targetColumn(n, c));
    String scalar = scalar(base, i, target.map(Column::type).orElse(null));
    if (!array || scalar == null) {
      return scalar;
    }
    return "{\"" + scalar.replace("\\", "\\\\").replace("\"", "\\\"") + "\"}";
  }

  private String scalar(String type, int i, String targetType) {
    Optional<EnumType> e = enumOf(type);
    if (e.isPresent() && !e.get().labels().isEmpty()) {
      // An enum keeps to the labels the target also has, where there are such labels.
      List<String> labels = enumOf(targetType).map(n -> e.get().labels().stream()
          .filter(n.labels()::contains).toList()).filter(l -> !l.isEmpty()).orElse(e.get().labels());
      return labels.get((i - 1) % labels.size());
    }
    Optional<Domain> d = start.domains().stream().filter(x -> matches(type, x.schema(), x.name())).findFirst();
    if (d.isPresent()) {
      return scalar(d.get().baseType().toLowerCase(Locale.ROOT), i, null);
    }
    String b = type.replaceAll("\\(.*\\)", "").strip();
    if (b.matches("(small|big)?int(eger)?|int[248]|numeric|decimal|real|double precision|float[48]?|money"
        + "|(small|big)?serial|number|integer primary key")) {
      return Integer.toString(i);
    }
    if (b.matches("text|character varying|varchar|character|char|bpchar|citext|name|clob|string|")) {
      Optional<EnumType> te = enumOf(targetType);
      return te.isPresent() && !te.get().labels().isEmpty()
          ? te.get().labels().get((i - 1) % te.get().labels().size()) : Integer.toString(i);
    }
    return switch (b) {
      case "boolean", "bool" -> i % 2 == 1 ? "true" : "false";
      case "date" -> "2024-01-0" + i;
      case "timestamp without time zone", "timestamp", "timestamp with time zone", "timestamptz", "datetime" ->
          "2024-01-0" + i + " 10:00:00";
      case "time without time zone", "time", "time with time zone" -> "10:00:0" + i;
      case "interval" -> i + " days";
      case "uuid" -> "00000000-0000-0000-0000-00000000000" + i;
      case "json", "jsonb" -> "{\"k\": " + i + "}";
      case "bytea", "blob" -> sqlite ? "b" + i : "\\x0" + i;
      case "inet", "cidr" -> "10.0.0." + i;
      case "macaddr" -> "08:00:2b:01:02:0" + i;
      case "tsvector" -> "w" + i;
      case "xml" -> "<a>" + i + "</a>";
      case "point" -> "(" + i + "," + i + ")";
      case "int4range", "int8range", "numrange" -> "[1," + (i + 1) + ")";
      case "hstore" -> "k=>" + i;
      default -> null;
    };
  }

  private Optional<EnumType> enumOf(String type) {
    if (type == null) {
      return Optional.empty();
    }
    String t = type.toLowerCase(Locale.ROOT).replace("[]", "");
    return start.enums().stream().filter(e -> matches(t, e.schema(), e.name())).findFirst()
        .or(() -> desired.enums().stream().filter(e -> matches(t, e.schema(), e.name())).findFirst());
  }

  private static boolean matches(String type, String schema, String name) {
    String t = type.replace("\"", "");
    return t.equalsIgnoreCase(name) || t.equalsIgnoreCase(schema + "." + name);
  }

  /** The table of the desired schema that {@code t} becomes: same name, or one renamed from it. */
  private Optional<Table> target(Table t) {
    Optional<Table> renamed = desired.tables().stream()
        .filter(n -> n.schema().equals(t.schema()) && t.name().equals(n.renamedFrom())
            && start.table(n.schema(), n.name()).isEmpty())
        .findFirst();
    return renamed.isPresent() ? renamed : desired.table(t.schema(), t.name());
  }

  private static Optional<Column> targetColumn(Table n, Column c) {
    Optional<Column> renamed = n.columns().stream()
        .filter(x -> c.name().equals(x.renamedFrom()) && n.columns().stream().noneMatch(y -> y.name().equals(c.name())))
        .findFirst();
    return renamed.isPresent() ? renamed : n.columns().stream().filter(x -> x.name().equals(c.name())).findFirst();
  }

  private void snapshot(Connection a) throws SQLException {
    for (Table t : start.tables()) {
      if (t.partitionOf() != null) {
        continue;
      }
      Optional<Table> n = target(t);
      if (n.isEmpty() || !Objects.equals(n.get().partitionOf(), t.partitionOf())) {
        continue;
      }
      for (Column c : t.columns()) {
        Optional<Column> nc = targetColumn(n.get(), c);
        if (nc.isEmpty() || c.generated() != null || nc.get().generated() != null) {
          continue;
        }
        surviving.add(new Surviving(t, n.get(), c, nc.get(), column(a, name(t), c.name())));
      }
    }
  }

  private List<String> column(Connection a, String table, String column) throws SQLException {
    String col = Identifiers.quote(column);
    List<String> values = new ArrayList<>();
    try (Statement s = a.createStatement();
        ResultSet r = s.executeQuery("SELECT " + (sqlite ? col : col + "::text") + " FROM " + table)) {
      while (r.next()) {
        values.add(r.getString(1));
      }
    }
    values.sort(Comparator.nullsFirst(Comparator.naturalOrder()));
    return values;
  }

  /**
   * Whether applying a plan failed because the generated rows do not satisfy the target's constraints
   * (a new CHECK, FOREIGN KEY, UNIQUE or NOT NULL): the rows' fault, not the plan's.
   */
  static boolean rowsDoNotFit(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLException q && q.getSQLState() != null && q.getSQLState().startsWith("23")) {
        return true;
      }
      String m = String.valueOf(t.getMessage());
      if (m.contains("violates") || m.contains("is violated by some row") || m.contains("constraint failed")
          || m.contains("contains null values")) {
        return true;
      }
    }
    return false;
  }

  /**
   * Applies a plan; when the rows do not satisfy the target's constraints, empties the tables and
   * applies it again, so that the schema oracles still run.
   */
  void apply(Planner planner, Plan plan, Connection a) throws SQLException {
    try {
      planner.apply(plan, a);
    } catch (dev.lockplane.LockplaneException e) {
      if (!rowsDoNotFit(e)) {
        throw e;
      }
      clear(a, e.getMessage());
      planner.apply(plan, a);
    }
  }

  /** Empties the tables the rows went into, and expects no values from now on. */
  void clear(Connection a, String why) throws SQLException {
    System.out.println("data oracle " + caseName + ": the generated rows do not fit the target ("
        + why.lines().findFirst().orElse("") + "); the plan runs on empty tables");
    DatabaseSchema now = sqlite ? dev.lockplane.internal.planner.sqlite.SqliteIntrospector.introspect(a)
        : dev.lockplane.internal.planner.pg.PgIntrospector.introspect(a);
    try (Statement s = a.createStatement()) {
      if (sqlite) {
        s.execute("PRAGMA foreign_keys = OFF");
      }
      for (Table t : now.tables()) {
        if (t.partitionOf() == null) {
          s.execute(sqlite ? "DELETE FROM " + name(t) : "TRUNCATE " + name(t) + " CASCADE");
        }
      }
      if (sqlite) {
        s.execute("PRAGMA foreign_keys = ON");
      }
    }
    surviving.replaceAll(v -> new Surviving(v.oldTable(), v.newTable(), v.oldColumn(), v.newColumn(), List.of()));
  }

  /**
   * Checks, on the database the plan has run on, that each surviving column holds its values (or
   * their cast to its new type), unless a destructive step of the plan names it or its table.
   */
  void check(Connection a, Plan plan) throws SQLException {
    List<String> lost = new ArrayList<>();
    for (Surviving s : surviving) {
      List<String> expected = s.values();
      if (!sqlite && !s.oldColumn().type().equals(s.newColumn().type()) && !expected.isEmpty()) {
        expected = cast(a, expected, s.newColumn().type());
      }
      List<String> actual = column(a, name(s.newTable()), s.newColumn().name());
      if (!equalValues(expected, actual)) {
        String col = s.oldTable().qualifiedName() + "." + s.oldColumn().name();
        if (declaredDestructive(plan, s)) {
          System.out.println("data oracle " + caseName + ": " + col + " loses its values, as the plan declares");
        } else {
          lost.add(col + " -> " + s.newTable().qualifiedName() + "." + s.newColumn().name()
              + ": expected " + expected + " but found " + actual);
        }
      }
    }
    assertThat(lost).as("columns whose values the plan lost without a destructive step naming them\n"
        + plan.toText()).isEmpty();
  }

  private boolean equalValues(List<String> expected, List<String> actual) {
    if (expected.equals(actual)) {
      return true;
    }
    if (!sqlite || expected.size() != actual.size()) {
      return false;
    }
    // SQLite's affinity may turn '1' into 1.0 and back: compare numerically where both sides are numbers.
    for (int i = 0; i < expected.size(); i++) {
      String e = expected.get(i);
      String v = actual.get(i);
      if (!Objects.equals(e, v) && !(e != null && v != null && isNumber(e) && isNumber(v)
          && Double.parseDouble(e) == Double.parseDouble(v))) {
        return false;
      }
    }
    return true;
  }

  private static boolean isNumber(String s) {
    return s.matches("-?\\d+(\\.\\d+)?");
  }

  private static List<String> cast(Connection a, List<String> values, String type) throws SQLException {
    List<String> out = new ArrayList<>();
    try (Statement s = a.createStatement()) {
      for (String v : values) {
        if (v == null) {
          out.add(null);
          continue;
        }
        try (ResultSet r = s.executeQuery("SELECT CAST(" + Identifiers.literal(v) + " AS " + type + ")::text")) {
          r.next();
          out.add(r.getString(1));
        } catch (SQLException e) {
          out.add("<no cast of " + v + " to " + type + ">");
        }
      }
    }
    out.sort(Comparator.nullsFirst(Comparator.naturalOrder()));
    return out;
  }

  private boolean declaredDestructive(Plan plan, Surviving s) {
    List<String> names = new ArrayList<>(List.of("table " + s.oldTable().qualifiedName(),
        "table " + s.newTable().qualifiedName(), "column " + s.oldTable().qualifiedName() + "." + s.oldColumn().name(),
        "column " + s.newTable().qualifiedName() + "." + s.newColumn().name()));
    // The rows of a partitioned table live in its partitions: dropping one drops them.
    start.tables().stream().filter(t -> s.oldTable().qualifiedName().equals(t.partitionOf()))
        .forEach(t -> names.add("table " + t.qualifiedName()));
    return plan.steps().stream().filter(Step::destructive).anyMatch(st -> st.objects().stream().anyMatch(names::contains));
  }
}
