package dev.lockplane.internal.backup;

import dev.lockplane.backup.ExtractFormat;
import dev.lockplane.internal.sql.Identifiers;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;

/** Writes a table's rows as INSERT statements or CSV. */
public final class Extractor {
  private Extractor() {}

  /**
   * Writes rows.
   *
   * @param c the connection
   * @param schema the schema, or {@code null} for SQLite
   * @param table the table
   * @param where a condition, or {@code null}
   * @param format the format
   * @param out the output
   * @return the number of rows
   */
  public static long extract(Connection c, String schema, String table, String where, ExtractFormat format, Writer out)
      throws SQLException {
    String name = (schema == null ? "" : Identifiers.quote(schema) + ".") + Identifiers.quote(table);
    String sql = "SELECT * FROM " + name + (where == null ? "" : " WHERE " + where);
    // a stable order makes the output diffable: by every column, left to right
    long rows = 0;
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql + " ORDER BY 1")) {
      ResultSetMetaData md = rs.getMetaData();
      int n = md.getColumnCount();
      List<String> cols = new ArrayList<>();
      for (int i = 1; i <= n; i++) {
        cols.add(md.getColumnName(i));
      }
      if (format == ExtractFormat.CSV) {
        out.write(String.join(",", cols.stream().map(Extractor::csv).toList()) + "\n");
      }
      String prefix = "INSERT INTO " + name + " (" + String.join(", ", cols.stream().map(Identifiers::quote).toList()) + ") VALUES (";
      while (rs.next()) {
        StringBuilder line = new StringBuilder();
        if (format == ExtractFormat.INSERTS) {
          line.append(prefix);
        }
        for (int i = 1; i <= n; i++) {
          if (i > 1) {
            line.append(format == ExtractFormat.CSV ? "," : ", ");
          }
          Object v = rs.getObject(i);
          String text = v == null ? null : rs.getString(i);
          if (format == ExtractFormat.CSV) {
            line.append(text == null ? "" : csv(text));
          } else {
            line.append(text == null ? "NULL" : numeric(md.getColumnType(i)) ? text : "'" + text.replace("'", "''") + "'");
          }
        }
        line.append(format == ExtractFormat.INSERTS ? ");\n" : "\n");
        out.write(line.toString());
        rows++;
      }
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return rows;
  }

  private static boolean numeric(int type) {
    return switch (type) {
      case Types.INTEGER, Types.BIGINT, Types.SMALLINT, Types.TINYINT, Types.NUMERIC, Types.DECIMAL, Types.REAL,
          Types.DOUBLE, Types.FLOAT -> true;
      default -> false;
    };
  }

  private static String csv(String s) {
    if (s.contains(",") || s.contains("\"") || s.contains("\n") || s.contains("\r")) {
      return "\"" + s.replace("\"", "\"\"") + "\"";
    }
    return s;
  }
}
