package dev.lockplane.internal.sql;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class SqlSplitterTest {
  @Test
  void splitsOnSemicolonsOutsideQuotesCommentsAndDollarQuotes() {
    String script = """
        -- header; not a statement
        CREATE TABLE t (a text DEFAULT 'x;y', "we;ird" int);
        /* block; /* nested; */ still comment */
        INSERT INTO t VALUES (E'it\\'s;', 1);
        CREATE FUNCTION f() RETURNS int LANGUAGE plpgsql AS $body$
        BEGIN
          RETURN 1; -- inside
        END;
        $body$;
        SELECT $1;
        CREATE FUNCTION g() RETURNS int LANGUAGE sql
        BEGIN ATOMIC
          SELECT 1;
          SELECT CASE WHEN true THEN 2 END;
        END;
        SELECT 'last'""";
    List<SqlStatement> st = SqlSplitter.split(script);
    assertThat(st).extracting(SqlStatement::line).containsExactly(2, 4, 5, 10, 11, 16);
    assertThat(st.get(0).sql()).isEqualTo("CREATE TABLE t (a text DEFAULT 'x;y', \"we;ird\" int)");
    assertThat(st.get(1).sql()).isEqualTo("INSERT INTO t VALUES (E'it\\'s;', 1)");
    assertThat(st.get(2).sql()).contains("RETURN 1; -- inside").endsWith("$body$");
    assertThat(st.get(4).sql()).startsWith("CREATE FUNCTION g()").endsWith("END");
    assertThat(st.get(5).sql()).isEqualTo("SELECT 'last'");
  }

  @Test
  void emptyAndCommentOnlyScriptsHaveNoStatements() {
    assertThat(SqlSplitter.split("")).isEmpty();
    assertThat(SqlSplitter.split(" ;; -- nothing\n/* here */ ;")).isEmpty();
  }
}
