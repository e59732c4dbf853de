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
    assertThat(st.get(0).leadingComments()).isEqualTo("-- header; not a statement");
    assertThat(st.get(1).sql()).isEqualTo("INSERT INTO t VALUES (E'it\\'s;', 1)");
    assertThat(st.get(1).leadingComments()).isEqualTo("/* block; /* nested; */ still comment */");
    assertThat(st.get(2).sql()).contains("RETURN 1; -- inside").endsWith("$body$");
    assertThat(st.get(4).sql()).startsWith("CREATE FUNCTION g()").endsWith("END");
    assertThat(st.get(5).sql()).isEqualTo("SELECT 'last'");
    assertThat(st).allSatisfy(s -> assertThat(s.isCopyFromStdin()).isFalse());
  }

  @Test
  void emptyAndCommentOnlyScriptsHaveNoStatements() {
    assertThat(SqlSplitter.split("")).isEmpty();
    assertThat(SqlSplitter.split(" ;; -- nothing\n/* here */ ;")).isEmpty();
  }

  /** The cases the planner's splitter was tested with, which keeps comments for rename hints. */
  @Test
  void splitsAtTopLevelSemicolonsOnlyAndKeepsComments() {
    List<SqlStatement> s = SqlSplitter.split("""
        -- header; with a semicolon
        CREATE TABLE a (x text DEFAULT 'a;b', "we;ird" int);
        /* block ; /* nested ; */ still comment ; */
        CREATE FUNCTION f() RETURNS text LANGUAGE sql AS $fn$ SELECT ';' $fn$;
        COMMENT ON TABLE a IS E'it\\'s; fine';

        CREATE FUNCTION g() RETURNS int LANGUAGE sql
        BEGIN ATOMIC
          SELECT CASE WHEN true THEN 1 ELSE 2 END;
        END;
        CREATE TRIGGER t AFTER INSERT ON a BEGIN UPDATE a SET x = 'y;'; DELETE FROM a; END;
        SELECT $$a;b$$""");
    assertThat(s).extracting(SqlStatement::line).containsExactly(2, 4, 5, 7, 11, 12);
    assertThat(s.get(0).withLeadingComments()).startsWith("-- header")
        .endsWith("CREATE TABLE a (x text DEFAULT 'a;b', \"we;ird\" int)");
    assertThat(s.get(1).withLeadingComments()).startsWith("/* block").endsWith("$fn$ SELECT ';' $fn$");
    assertThat(s.get(2).sql()).isEqualTo("COMMENT ON TABLE a IS E'it\\'s; fine'");
    assertThat(s.get(3).sql()).endsWith("END");
    assertThat(s.get(4).sql()).startsWith("CREATE TRIGGER").endsWith("DELETE FROM a; END");
    assertThat(s.get(5).sql()).isEqualTo("SELECT $$a;b$$");
  }

  @Test
  void ignoresCommentOnlyTails() {
    assertThat(SqlSplitter.split("SELECT 1; -- done\n/* end */\n")).extracting(SqlStatement::sql)
        .containsExactly("SELECT 1");
  }

  @Test
  void keepsRenameHintCommentsInsideTheStatement() {
    List<SqlStatement> s = SqlSplitter.split("""
        CREATE TABLE new_t -- lockplane: renamed from old_t
        (id int PRIMARY KEY,
          -- lockplane: renamed from old_name; with a semicolon
          v text);""");
    assertThat(s).hasSize(1);
    assertThat(s.get(0).sql()).contains("-- lockplane: renamed from old_t")
        .contains("-- lockplane: renamed from old_name; with a semicolon").endsWith("v text)");
  }

  @Test
  void dollarQuotesWithAndWithoutTags() {
    List<SqlStatement> s = SqlSplitter.split("""
        DO $$ BEGIN PERFORM 1; END $$;
        CREATE FUNCTION h() RETURNS text LANGUAGE plpgsql AS $outer$
        BEGIN RETURN $inner$ ; $$ ; $inner$; END;
        $outer$;
        SELECT a$b FROM t$x;
        SELECT $1, $2""");
    assertThat(s).extracting(SqlStatement::line).containsExactly(1, 2, 5, 6);
    assertThat(s.get(0).sql()).isEqualTo("DO $$ BEGIN PERFORM 1; END $$");
    assertThat(s.get(1).sql()).endsWith("END;\n$outer$");
    assertThat(s.get(2).sql()).isEqualTo("SELECT a$b FROM t$x");
    assertThat(s.get(3).sql()).isEqualTo("SELECT $1, $2");
  }

  @Test
  void quotedIdentifiersAndStringsWithDoubledQuotesAndEscapes() {
    List<SqlStatement> s = SqlSplitter.split("""
        SELECT 'it''s; ok', "a "";"" b", e'\\\\';
        SELECT E'\\';still in the string', 'plain \\';
        SELECT `sqlite;ident` FROM t""");
    assertThat(s).extracting(SqlStatement::sql).containsExactly(
        "SELECT 'it''s; ok', \"a \"\";\"\" b\", e'\\\\'",
        "SELECT E'\\';still in the string', 'plain \\'",
        "SELECT `sqlite;ident` FROM t");
  }

  @Test
  void nestedBlockCommentsSpanLines() {
    List<SqlStatement> s = SqlSplitter.split("/* a;\n /* b;\n */ c; */\nSELECT /* in; \n side */ 1;\nSELECT 2;");
    assertThat(s).extracting(SqlStatement::line).containsExactly(4, 6);
    assertThat(s.get(0).sql()).isEqualTo("SELECT /* in; \n side */ 1");
  }

  @Test
  void beginAtomicBodiesNestCaseAndStayWhole() {
    List<SqlStatement> s = SqlSplitter.split("""
        CREATE OR REPLACE FUNCTION add(a int, b int) RETURNS int LANGUAGE sql
        begin atomic
          SELECT CASE WHEN a > 0 THEN CASE WHEN b > 0 THEN a + b ELSE a END ELSE b END;
          SELECT 2;
        end;
        CREATE PROCEDURE p() LANGUAGE sql BEGIN ATOMIC INSERT INTO t VALUES (1); END;
        BEGIN;
        SELECT 1;
        COMMIT;""");
    assertThat(s).extracting(SqlStatement::line).containsExactly(1, 6, 7, 8, 9);
    assertThat(s.get(0).sql()).endsWith("SELECT 2;\nend");
    assertThat(s.get(1).sql()).endsWith("VALUES (1); END");
    assertThat(s.get(2).sql()).isEqualTo("BEGIN");
  }

  @Test
  void sqliteTriggerBodiesStayWhole() {
    List<SqlStatement> s = SqlSplitter.split("""
        CREATE TABLE t (id INTEGER PRIMARY KEY, n INTEGER, log TEXT);
        CREATE TRIGGER IF NOT EXISTS t_ins AFTER INSERT ON t
        BEGIN
          UPDATE t SET n = CASE WHEN new.n IS NULL THEN 0 ELSE new.n END WHERE id = new.id;
          INSERT INTO t (log) VALUES ('begin; end;');
        END;
        create temp trigger t_upd before update on t begin select raise(abort, 'no;'); end;
        CREATE TEMPORARY TRIGGER t_del AFTER DELETE ON t BEGIN DELETE FROM t; END;
        CREATE TRIGGER pg_style AFTER INSERT ON t FOR EACH ROW EXECUTE FUNCTION f();
        SELECT 1;""");
    assertThat(s).extracting(SqlStatement::line).containsExactly(1, 2, 7, 8, 9, 10);
    assertThat(s.get(1).sql()).startsWith("CREATE TRIGGER IF NOT EXISTS t_ins").endsWith("('begin; end;');\nEND");
    assertThat(s.get(2).sql()).endsWith("raise(abort, 'no;'); end");
    assertThat(s.get(3).sql()).endsWith("DELETE FROM t; END");
    assertThat(s.get(4).sql()).endsWith("EXECUTE FUNCTION f()");
  }

  @Test
  void copyFromStdinTakesItsDataUpToBackslashDot() {
    List<SqlStatement> s = SqlSplitter.split("""
        CREATE TABLE t (id int, v text);
        COPY public.t (id, v) FROM stdin;
        1\tsemi;colon
        2\t'quote
        \\.
        copy t from STDIN with (format csv);
        3,"x;y"
        \\.
        SELECT count(*) FROM t;
        COPY t TO stdout;""");
    assertThat(s).extracting(SqlStatement::line).containsExactly(1, 2, 6, 9, 10);
    assertThat(s.get(1).sql()).isEqualTo("COPY public.t (id, v) FROM stdin");
    assertThat(s.get(1).copyData()).isEqualTo("1\tsemi;colon\n2\t'quote\n");
    assertThat(s.get(2).copyData()).isEqualTo("3,\"x;y\"\n");
    assertThat(s.get(3).sql()).isEqualTo("SELECT count(*) FROM t");
    assertThat(s.get(3).isCopyFromStdin()).isFalse();
    assertThat(s.get(4).isCopyFromStdin()).isFalse();
  }

  @Test
  void ruleActionListsInParenthesesStayWhole() {
    List<SqlStatement> s = SqlSplitter.split("""
        CREATE RULE r AS ON INSERT TO t DO INSTEAD (
          INSERT INTO a VALUES (new.id);
          INSERT INTO b VALUES (new.id)
        );
        SELECT (1);""");
    assertThat(s).extracting(SqlStatement::line).containsExactly(1, 5);
    assertThat(s.get(0).sql()).endsWith("VALUES (new.id)\n)");
  }
}
