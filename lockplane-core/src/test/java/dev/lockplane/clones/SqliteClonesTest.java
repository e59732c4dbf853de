package dev.lockplane.clones;

import static dev.lockplane.clones.DatabaseClonesTest.count;
import static dev.lockplane.clones.DatabaseClonesTest.exec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lockplane.ScriptException;
import dev.lockplane.clone.Clone;
import dev.lockplane.clone.CloneManager;
import dev.lockplane.clone.CopyMethod;
import dev.lockplane.clone.Golden;
import dev.lockplane.clone.Script;
import dev.lockplane.clone.Snapshot;
import dev.lockplane.testing.LoopFilesystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqliteClonesTest {
  private static final Golden NOTES = Golden.fromScripts(List.of(Script.of("notes.sql", """
      CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL);
      WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 500)
      INSERT INTO notes SELECT i, 'note ' || i FROM n;
      """)));

  @Test
  void clonesAreIsolatedResettableAndDestroyable(@TempDir Path dir) throws Exception {
    try (CloneManager m = CloneManagers.sqlite(dir).golden(NOTES).start()) {
      Clone a = m.create("a");
      Clone b = m.create("b");
      exec(a.dataSource(), "DELETE FROM notes");
      assertThat(count(a.dataSource(), "SELECT count(*) FROM notes")).isZero();
      assertThat(count(b.dataSource(), "SELECT count(*) FROM notes")).isEqualTo(500);
      a.reset();
      assertThat(count(a.dataSource(), "SELECT count(*) FROM notes")).isEqualTo(500);
      Path file = Path.of(a.jdbcUrl().substring("jdbc:sqlite:".length()));
      assertThat(file).exists();
      a.destroy();
      assertThat(file).doesNotExist();
      assertThat(m.list()).extracting(Clone::name).containsExactly("b");
    }
    try (var files = Files.list(dir.resolve("clones"))) {
      assertThat(files).isEmpty();
    }
  }

  @Test
  void snapshotsAndGoldenReuse(@TempDir Path dir) throws Exception {
    Snapshot golden;
    try (CloneManager m = CloneManagers.sqlite(dir).golden(NOTES).start()) {
      golden = m.golden();
      Clone a = m.create("a");
      exec(a.dataSource(), "DELETE FROM notes WHERE id > 3");
      Snapshot three = m.snapshot("three", a);
      Clone b = m.create("b", three);
      assertThat(count(b.dataSource(), "SELECT count(*) FROM notes")).isEqualTo(3);
      assertThatThrownBy(() -> m.destroySnapshot(three)).hasMessageContaining("used by clones [b]");
    }
    try (CloneManager m = CloneManagers.sqlite(dir).golden(NOTES).start()) {
      assertThat(m.golden().name()).isEqualTo(golden.name());
    }
  }

  @Test
  void aGoldenScriptWithATriggerBodyRunsWhole(@TempDir Path dir) throws Exception {
    Golden audited = Golden.fromScripts(List.of(Script.of("audit.sql", """
        CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL);
        CREATE TABLE audit (note_id INTEGER, what TEXT);
        CREATE TRIGGER notes_audit AFTER INSERT ON notes
        BEGIN
          INSERT INTO audit VALUES (new.id, CASE WHEN new.body LIKE '%;%' THEN 'semi; colon' ELSE 'plain' END);
          UPDATE notes SET body = upper(new.body) WHERE id = new.id;
        END;
        INSERT INTO notes VALUES (1, 'a;b');
        """)));
    try (CloneManager m = CloneManagers.sqlite(dir).golden(audited).start()) {
      Clone c = m.create("c");
      assertThat(count(c.dataSource(), "SELECT count(*) FROM audit WHERE what = 'semi; colon'")).isEqualTo(1);
      exec(c.dataSource(), "INSERT INTO notes VALUES (2, 'x')");
      assertThat(count(c.dataSource(), "SELECT count(*) FROM audit")).isEqualTo(2);
      assertThat(count(c.dataSource(), "SELECT count(*) FROM notes WHERE body = 'X'")).isEqualTo(1);
    }
  }

  @Test
  void aGoldenFromADirectoryRunsVersionedScriptsInVersionOrder(@TempDir Path dir) throws Exception {
    Path scripts = Files.createDirectories(dir.resolve("db"));
    Files.writeString(scripts.resolve("V10__more.sql"), "INSERT INTO t VALUES (10);");
    Files.writeString(scripts.resolve("V9__first_row.sql"), "INSERT INTO t VALUES (9);");
    Files.writeString(scripts.resolve("V1__create.sql"), "CREATE TABLE t (v INTEGER);");
    Files.writeString(scripts.resolve("seed.sql"), "INSERT INTO t SELECT max(v) + 1 FROM t;");
    try (CloneManager m = CloneManagers.sqlite(dir.resolve("clones-home")).golden(Golden.fromScripts(scripts)).start()) {
      Clone c = m.create("c");
      assertThat(count(c.dataSource(), "SELECT count(*) FROM t")).isEqualTo(3);
      assertThat(count(c.dataSource(), "SELECT max(v) FROM t")).isEqualTo(11);
    }
  }

  @Test
  void scriptErrorsNameTheLine(@TempDir Path dir) {
    Golden bad = Golden.fromScripts(List.of(Script.of("bad.sql", "CREATE TABLE t (x);\nINSERT INTO nowhere VALUES (1);")));
    assertThatThrownBy(() -> CloneManagers.sqlite(dir).golden(bad).start())
        .isInstanceOf(ScriptException.class)
        .hasMessageContaining("bad.sql:2:")
        .hasMessageContaining("nowhere");
  }

  @Test
  void clonesAreReflinksOnXfs() throws Exception {
    try (LoopFilesystem xfs = LoopFilesystem.xfs(320);
        CloneManager m = CloneManagers.sqlite(xfs.path()).golden(NOTES).start()) {
      assertThat(m.strategy().method()).isEqualTo(CopyMethod.REFLINK);
      assertThat(m.strategy().constantTime()).isTrue();
      Clone a = m.create("a");
      exec(a.dataSource(), "UPDATE notes SET body = 'changed'");
      assertThat(count(m.create("b").dataSource(), "SELECT count(*) FROM notes WHERE body = 'changed'")).isZero();
      m.close();
    }
  }
}
