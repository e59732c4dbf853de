package dev.lockplane.internal.instances;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class StatementSplitterTest {

  @Test
  void splitsOnlyOnSemicolonsOutsideQuotesCommentsAndDollarQuotes() {
    String script = """
        -- a comment; not a statement
        CREATE TABLE t (a text DEFAULT 'x;y');

        /* block; /* nested; */ still comment */
        INSERT INTO t VALUES (E'it\\'s;'), ('a''b;');
        CREATE FUNCTION f() RETURNS int LANGUAGE plpgsql AS $body$
        BEGIN
          RETURN 1; -- inside
        END $body$;
        SELECT "odd;name" FROM t
        """;
    List<StatementSplitter.Statement> st = StatementSplitter.split(script);
    assertThat(st).extracting(StatementSplitter.Statement::line).containsExactly(2, 5, 6, 10);
    assertThat(st.get(0).sql()).isEqualTo("CREATE TABLE t (a text DEFAULT 'x;y')");
    assertThat(st.get(1).sql()).endsWith("('a''b;')");
    assertThat(st.get(2).sql()).contains("RETURN 1; -- inside").endsWith("END $body$");
    assertThat(st.get(3).sql()).isEqualTo("SELECT \"odd;name\" FROM t");
  }

  @Test
  void ignoresTrailingCommentsAndEmptyStatements() {
    assertThat(StatementSplitter.split(";;\n-- only a comment\n")).isEmpty();
    assertThat(StatementSplitter.split("SELECT 1;\n\n-- end")).extracting(StatementSplitter.Statement::sql).containsExactly("SELECT 1");
  }
}
