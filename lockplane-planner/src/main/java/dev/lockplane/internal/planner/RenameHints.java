package dev.lockplane.internal.planner;

import dev.lockplane.internal.sql.Identifiers;
import dev.lockplane.schema.Column;
import dev.lockplane.schema.CompositeType;
import dev.lockplane.schema.DatabaseSchema;
import dev.lockplane.schema.Table;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Rename hints in desired SQL: a comment {@code -- lockplane: renamed from old_name} before the
 * opening parenthesis of a {@code CREATE TABLE} renames the table; on or just above a column
 * definition it renames the column, and on or just above an attribute of a {@code CREATE TYPE … AS
 * (…)} it renames the attribute. Hints are attached to the introspected model afterwards.
 */
public final class RenameHints {
  private static final Pattern HINT = Pattern.compile("--\\s*lockplane:\\s*renamed from\\s+(\"[^\"]+\"|[\\w$]+)",
      Pattern.CASE_INSENSITIVE);
  private static final Pattern CREATE_TABLE = Pattern.compile(
      "^\\s*CREATE\\s+(?:UNLOGGED\\s+)?TABLE\\s+(?:IF\\s+NOT\\s+EXISTS\\s+)?((?:\"[^\"]+\"|[\\w$]+)(?:\\.(?:\"[^\"]+\"|[\\w$]+))?)",
      Pattern.CASE_INSENSITIVE);
  private static final Pattern CREATE_TYPE = Pattern.compile(
      "^\\s*CREATE\\s+TYPE\\s+((?:\"[^\"]+\"|[\\w$]+)(?:\\.(?:\"[^\"]+\"|[\\w$]+))?)\\s+AS\\s*\\(",
      Pattern.CASE_INSENSITIVE);
  private static final Pattern IDENT = Pattern.compile("^\\s*(\"[^\"]+\"|[\\w$]+)");

  /** Table hints by {@code schema.table}, column hints by {@code schema.table.column}. */
  private final Map<String, String> tables = new HashMap<>();
  private final Map<String, String> columns = new HashMap<>();
  /** Composite type attribute hints by {@code schema.type.attribute}. */
  private final Map<String, String> attributes = new HashMap<>();

  public boolean isEmpty() {
    return tables.isEmpty() && columns.isEmpty() && attributes.isEmpty();
  }

  public void scan(String statement, String defaultSchema) {
    if (!HINT.matcher(statement).find()) {
      return;
    }
    Matcher ct = CREATE_TABLE.matcher(statement);
    Matcher type = CREATE_TYPE.matcher(statement);
    boolean isTable = ct.find();
    if (!isTable && !type.find()) {
      return;
    }
    Matcher head = isTable ? ct : type;
    Map<String, String> inner = isTable ? columns : attributes;
    String[] name = splitName(head.group(1), defaultSchema);
    String table = name[0] + "." + name[1];
    int open = statement.indexOf('(', isTable ? ct.end() : type.end() - 1);
    String[] lines = statement.split("\n", -1);
    int offset = 0;
    String pendingColumn = null;
    for (int li = 0; li < lines.length; li++) {
      String l = lines[li];
      Matcher h = HINT.matcher(l);
      if (h.find()) {
        String old = ident(h.group(1));
        int pos = offset + h.start();
        if (open < 0 || pos < open) {
          if (isTable) {
            tables.put(table, old);
          }
        } else {
          String before = l.substring(0, h.start());
          Matcher id = IDENT.matcher(before.startsWith("(") ? before.substring(1) : before);
          if (!before.isBlank() && id.find()) {
            inner.put(table + "." + ident(id.group(1)), old);
          } else {
            pendingColumn = old;
          }
        }
      } else if (pendingColumn != null && !l.isBlank() && !l.strip().startsWith("--")) {
        Matcher id = IDENT.matcher(l.strip().startsWith("(") ? l.strip().substring(1) : l);
        if (id.find()) {
          inner.put(table + "." + ident(id.group(1)), pendingColumn);
        }
        pendingColumn = null;
      }
      offset += l.length() + 1;
    }
  }

  private static String ident(String s) {
    return s.startsWith("\"") ? Identifiers.unquote(s) : s.toLowerCase(java.util.Locale.ROOT);
  }

  private static String[] splitName(String qualified, String defaultSchema) {
    Matcher m = Pattern.compile("(\"[^\"]+\"|[\\w$]+)").matcher(qualified);
    List<String> parts = new ArrayList<>();
    while (m.find()) {
      parts.add(ident(m.group(1)));
    }
    return parts.size() == 1 ? new String[] {defaultSchema, parts.get(0)} : new String[] {parts.get(0), parts.get(1)};
  }

  public DatabaseSchema apply(DatabaseSchema s) {
    if (isEmpty()) {
      return s;
    }
    List<Table> out = new ArrayList<>();
    for (Table t : s.tables()) {
      List<Column> cols = t.columns().stream().map(c -> {
        String old = columns.get(t.qualifiedName() + "." + c.name());
        return old == null ? c : c.withRenamedFrom(old);
      }).toList();
      out.add(t.with(cols, tables.getOrDefault(t.qualifiedName(), t.renamedFrom())));
    }
    List<CompositeType> types = s.compositeTypes().stream().map(t -> new CompositeType(t.schema(), t.name(),
        t.attributes().stream().map(a -> {
          String old = attributes.get(t.schema() + "." + t.name() + "." + a.name());
          return old == null ? a : a.withRenamedFrom(old);
        }).toList(), t.comment())).toList();
    return new DatabaseSchema(s.dialect(), s.schemas(), s.extensions(), s.enums(), s.domains(),
        types, s.sequences(), out, s.views(), s.routines(), s.unmanaged(),
        s.dependencies());
  }
}
