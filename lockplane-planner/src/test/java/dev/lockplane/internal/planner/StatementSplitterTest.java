package dev.lockplane.internal.planner;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lockplane.internal.planner.StatementSplitter.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;

class StatementSplitterTest {
  @Test
  void splitsAtTopLevelSemicolonsOnly() {
    List<Statement> s = StatementSplitter.split("""
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
    assertThat(s).extracting(Statement::line).containsExactly(2, 4, 5, 7, 11, 12);
    assertThat(s.get(0).text()).startsWith("-- header").endsWith("CREATE TABLE a (x text DEFAULT 'a;b', \"we;ird\" int)");
    assertThat(s.get(1).text()).startsWith("/* block").endsWith("$fn$ SELECT ';' $fn$");
    assertThat(s.get(3).text()).endsWith("END");
    assertThat(s.get(4).text()).startsWith("CREATE TRIGGER").endsWith("DELETE FROM a; END");
    assertThat(s.get(5).text()).isEqualTo("SELECT $$a;b$$");
  }

  @Test
  void ignoresCommentOnlyTails() {
    assertThat(StatementSplitter.split("SELECT 1; -- done\n/* end */\n")).extracting(Statement::text)
        .containsExactly("SELECT 1");
  }
}
