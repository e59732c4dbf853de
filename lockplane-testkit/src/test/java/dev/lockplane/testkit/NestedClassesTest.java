package dev.lockplane.testkit;

import static dev.lockplane.testkit.Db.count;
import static dev.lockplane.testkit.Db.exec;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lockplane.clone.Clone;
import javax.sql.DataSource;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** {@code @Nested} classes get clones: of the enclosing class's golden, or of their own. */
@LockplaneTest(scripts = "db/shop.sql")
class NestedClassesTest {
  @TestDatabase DataSource outerField;

  @Test
  void topLevelTestGetsAClone(DataSource db) throws Exception {
    assertThat(count(db, "SELECT count(*) FROM customers")).isEqualTo(50);
  }

  @Nested
  class InheritsTheEnclosingConfiguration {
    @TestDatabase DataSource innerField;

    @Test
    void nestedTestGetsAPrivateCloneOfTheEnclosingGolden(DataSource db, Clone clone) throws Exception {
      assertThat(count(db, "SELECT count(*) FROM customers")).isEqualTo(50);
      exec(db, "DELETE FROM orders");
      // the parameter and the fields of both instances share the test's one clone
      assertThat(count(innerField, "SELECT count(*) FROM orders")).isZero();
      assertThat(count(outerField, "SELECT count(*) FROM orders")).isZero();
      assertThat(clone.jdbcUrl()).isNotBlank();
    }

    @Test
    void nextNestedTestStartsFromTheGoldenAgain(DataSource db) throws Exception {
      assertThat(count(db, "SELECT count(*) FROM orders")).isEqualTo(200);
    }

    @Nested
    class TwoLevelsDown {
      @Test
      void stillInherits(DataSource db) throws Exception {
        assertThat(count(db, "SELECT count(*) FROM customers")).isEqualTo(50);
      }
    }
  }

  @Nested
  @LockplaneTest(scripts = "db/notes.sql")
  class WithItsOwnGolden {
    @Test
    void usesItsOwnScripts(DataSource db) throws Exception {
      assertThat(count(db, "SELECT count(*) FROM notes")).isEqualTo(3);
      assertThat(count(db, "SELECT count(*) FROM pg_tables WHERE tablename = 'customers'")).isZero();
    }
  }
}
