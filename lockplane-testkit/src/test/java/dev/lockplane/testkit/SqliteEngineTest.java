package dev.lockplane.testkit;

import static dev.lockplane.testkit.Db.count;
import static dev.lockplane.testkit.Db.exec;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lockplane.clone.Clone;
import javax.sql.DataSource;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

/** The same promise for SQLite: every repetition finds the three golden notes. */
@LockplaneTest(scripts = "db/notes-sqlite.sql", engine = Engine.SQLITE)
@Execution(ExecutionMode.CONCURRENT)
class SqliteEngineTest {
  @RepeatedTest(6)
  void eachRepetitionStartsFromTheGolden(DataSource db, Clone clone) throws Exception {
    assertThat(clone.jdbcUrl()).startsWith("jdbc:sqlite:");
    assertThat(count(db, "SELECT count(*) FROM notes")).isEqualTo(3);
    exec(db, "DELETE FROM notes");
    assertThat(count(db, "SELECT count(*) FROM notes")).isZero();
  }
}
