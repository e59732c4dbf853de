package dev.lockplane.internal.planner;

import java.sql.Array;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.ConnectionFactory;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.ParsedParameters;
import org.jdbi.v3.core.statement.ParsedSql;
import org.jdbi.v3.core.statement.SqlParser;
import org.jdbi.v3.core.statement.SqlStatements;
import org.jdbi.v3.core.statement.StatementContext;
import org.jdbi.v3.core.statement.TemplateEngine;

/** Reads typed values out of Jdbi's map rows, and wraps a borrowed connection in a handle. */
public final class Rows {
  /**
   * The catalog queries bind nothing: they go to the driver as written, and no lexer reads them. A
   * borrowed connection used to get jdbi's own parser, whose ANTLR lexer took about a second over the
   * thirty-odd queries of the first introspection in a JVM (every command-line run is one) and a
   * third of each later one before its cache was shared. A statement given a parameter on such a
   * handle fails ("superfluous named parameters"), never runs with it ignored.
   */
  private static final SqlParser PARSER = new Verbatim();

  private static final class Verbatim implements SqlParser {
    @Override
    public ParsedSql parse(String sql, StatementContext ctx) {
      return ParsedSql.of(sql, ParsedParameters.named(List.of()));
    }

    @Override
    public String nameParameter(String rawName, StatementContext ctx) {
      return ":" + rawName;
    }
  }

  private Rows() {}

  /**
   * Opens a handle on a connection that the caller keeps owning: closing the handle leaves it open.
   */
  public static Handle borrow(Connection connection) {
    ConnectionFactory factory = new ConnectionFactory() {
      @Override
      public Connection openConnection() {
        return connection;
      }

      @Override
      public void closeConnection(Connection conn) {
        // The caller owns the connection.
      }
    };
    Jdbi jdbi = Jdbi.create(factory);
    // The queries are plain SQL: no <attribute> templates to render.
    jdbi.getConfig(SqlStatements.class).setSqlParser(PARSER).setTemplateEngine(TemplateEngine.NOP);
    return jdbi.open();
  }

  public static String str(Map<String, Object> row, String key) {
    Object o = row.get(key);
    return o == null ? null : o.toString();
  }

  public static boolean bool(Map<String, Object> row, String key) {
    Object o = row.get(key);
    return o != null && (o instanceof Boolean b ? b : Boolean.parseBoolean(o.toString()));
  }

  public static long lng(Map<String, Object> row, String key) {
    Object o = row.get(key);
    return o == null ? 0 : ((Number) o).longValue();
  }

  public static List<String> strings(Map<String, Object> row, String key) {
    Object o = row.get(key);
    if (o == null) {
      return List.of();
    }
    try {
      Object[] values = (Object[]) ((Array) o).getArray();
      return Arrays.stream(values).map(String::valueOf).toList();
    } catch (SQLException e) {
      throw new IllegalStateException("Cannot read array column " + key, e);
    }
  }

  /** Returns null for an empty string: PostgreSQL reports absent properties either way. */
  public static String blankToNull(String s) {
    return s == null || s.isEmpty() ? null : s;
  }
}
