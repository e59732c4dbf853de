package dev.lockplane.testkit;

import static dev.lockplane.testkit.Db.count;
import static dev.lockplane.testkit.Db.exec;
import static org.assertj.core.api.Assertions.assertThat;

import javax.sql.DataSource;
import org.junit.jupiter.api.RepeatedTest;

/** A SQLite golden script with a trigger body ({@code BEGIN …; …; END}) is run whole. */
@LockplaneTest(scripts = "db/audited-sqlite.sql", engine = Engine.SQLITE)
class SqliteTriggerGoldenTest {
  @RepeatedTest(2)
  void theTriggerFromTheGoldenFiresInEachClone(DataSource db) throws Exception {
    assertThat(count(db, "SELECT count(*) FROM audit WHERE what = 'inserted;   first  '")).isEqualTo(1);
    assertThat(count(db, "SELECT count(*) FROM notes WHERE body = 'first'")).isEqualTo(1);
    exec(db, "INSERT INTO notes (body) VALUES (' second ')");
    assertThat(count(db, "SELECT count(*) FROM audit")).isEqualTo(2);
    assertThat(count(db, "SELECT count(*) FROM notes WHERE body = 'second'")).isEqualTo(1);
  }
}
