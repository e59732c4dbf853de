package dev.lockplane.internal.planner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.DriverManager;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.UnableToCreateStatementException;
import org.junit.jupiter.api.Test;

/** A borrowed handle sends its statements as written, binds nothing, and leaves the connection open. */
class RowsTest {
  @Test
  void statementsGoAsWrittenAndAParameterIsRefused() throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite::memory:")) {
      try (Handle h = Rows.borrow(c)) {
        // what looks like a named parameter to jdbi's own parser is the statement's text
        assertThat(h.createQuery("SELECT ':name' || ' <not a template>' AS v").mapTo(String.class).one())
            .isEqualTo(":name <not a template>");
        assertThatThrownBy(() -> h.createQuery("SELECT 1").bind("x", 1).mapTo(Integer.class).one())
            .isInstanceOf(UnableToCreateStatementException.class).hasMessageContaining("x");
        assertThatThrownBy(() -> h.createQuery("SELECT 1").bind(0, 1).mapTo(Integer.class).one())
            .isInstanceOf(UnableToCreateStatementException.class);
      }
      assertThat(c.isClosed()).isFalse();
    }
  }
}
