package dev.lockplane.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lockplane.ErrorCode;
import dev.lockplane.LockplaneException;
import dev.lockplane.internal.sql.Identifiers;
import dev.lockplane.planner.Planner;
import dev.lockplane.schema.Column;
import dev.lockplane.schema.DatabaseSchema;
import dev.lockplane.schema.Sequence;
import dev.lockplane.schema.Table;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The other way of fixing drift: the tables and columns that only the database has are written into
 * the desired schema instead of being dropped. SQL desired state gets DDL appended (to the file, or
 * to a new {@code adopted.sql} in a directory); a Lockplane JSON document gets them in its model,
 * other keys (such as {@code ownership}) kept.
 */
final class DriftAdoption {
  /** What only the database has: whole tables, and columns of tables both have. */
  record Extras(List<Table> tables, List<String> columnNames, List<Table> columnTables, List<Column> columns) {
    boolean isEmpty() {
      return tables.isEmpty() && columns.isEmpty();
    }

    /** One line per adopted object. */
    List<String> describe() {
      List<String> lines = new ArrayList<>();
      tables.forEach(t -> lines.add("table " + t.qualifiedName()));
      columnNames.forEach(c -> lines.add("column " + c));
      return lines;
    }
  }

  private DriftAdoption() {}

  static Extras extras(DatabaseSchema live, DatabaseSchema desired) {
    List<Table> tables = new ArrayList<>();
    List<String> names = new ArrayList<>();
    List<Table> owners = new ArrayList<>();
    List<Column> columns = new ArrayList<>();
    for (Table t : live.tables()) {
      Optional<Table> wanted = desired.table(t.schema(), t.name());
      if (wanted.isEmpty()) {
        tables.add(t);
        continue;
      }
      for (Column c : t.columns()) {
        if (wanted.get().columns().stream().noneMatch(w -> w.name().equals(c.name()))) {
          names.add(t.qualifiedName() + "." + c.name());
          owners.add(t);
          columns.add(c);
        }
      }
    }
    return new Extras(tables, names, owners, columns);
  }

  /** Writes the extras into the desired schema at {@code path}; returns the file written. */
  static Path adopt(Path path, DatabaseSchema live, Extras extras) throws IOException {
    if (path.toString().endsWith(".json")) {
      return adoptJson(path, live, extras);
    }
    StringBuilder sql = new StringBuilder("\n-- Adopted from the database by 'lockplane drift fix --adopt'.\n");
    if (!extras.tables().isEmpty()) {
      List<Sequence> sequences = live.sequences().stream().filter(s -> s.ownedBy() != null && extras.tables().stream()
          .anyMatch(t -> s.ownedBy().startsWith(t.qualifiedName() + "."))).toList();
      DatabaseSchema only = new DatabaseSchema(live.dialect(), List.of(), List.of(), List.of(), List.of(), List.of(),
          sequences, extras.tables(), List.of(), List.of());
      sql.append(Planner.toSql(only));
    }
    for (int i = 0; i < extras.columns().size(); i++) {
      Table t = extras.columnTables().get(i);
      Column c = extras.columns().get(i);
      sql.append("ALTER TABLE ").append(Identifiers.qualified(t.schema(), t.name())).append(" ADD COLUMN ")
          .append(Identifiers.quote(c.name())).append(' ').append(c.type())
          .append(c.collation() == null ? "" : " COLLATE " + Identifiers.quote(c.collation()))
          .append(c.defaultValue() == null ? "" : " DEFAULT " + c.defaultValue())
          .append(c.notNull() ? " NOT NULL" : "").append(";\n");
    }
    Path file = Files.isDirectory(path) ? path.resolve("adopted.sql") : path;
    Files.writeString(file, sql, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    return file;
  }

  private static Path adoptJson(Path path, DatabaseSchema live, Extras extras) throws IOException {
    String text = Files.readString(path, StandardCharsets.UTF_8);
    DatabaseSchema desired = Planner.schemaFromJson(text, path.toString());
    List<Table> tables = new ArrayList<>();
    for (Table t : desired.tables()) {
      List<Column> added = new ArrayList<>(t.columns());
      for (int i = 0; i < extras.columns().size(); i++) {
        if (extras.columnTables().get(i).qualifiedName().equals(t.qualifiedName())) {
          added.add(extras.columns().get(i));
        }
      }
      tables.add(added.size() == t.columns().size() ? t : t.with(added, t.renamedFrom()));
    }
    tables.addAll(extras.tables());
    List<Sequence> sequences = new ArrayList<>(desired.sequences());
    live.sequences().stream().filter(s -> s.ownedBy() != null && extras.tables().stream()
        .anyMatch(t -> s.ownedBy().startsWith(t.qualifiedName() + "."))).forEach(sequences::add);
    DatabaseSchema merged = new DatabaseSchema(desired.dialect(), desired.schemas(), desired.extensions(),
        desired.enums(), desired.domains(), desired.compositeTypes(), sequences, tables, desired.views(),
        desired.routines(), desired.unmanaged());
    ObjectMapper mapper = new ObjectMapper();
    JsonNode doc = mapper.readTree(text);
    if (!(doc instanceof ObjectNode object)) {
      throw new LockplaneException(ErrorCode.INVALID_INPUT, path + " is not a Lockplane JSON document.");
    }
    object.set("schema", mapper.readTree(Planner.toJson(merged)).get("schema"));
    // Through a map, so that the keys are written sorted like every Lockplane document.
    Files.writeString(path, Json.write(Json.MAPPER.convertValue(object, java.util.Map.class)), StandardCharsets.UTF_8);
    return path;
  }
}
