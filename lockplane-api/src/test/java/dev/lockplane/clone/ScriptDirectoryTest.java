package dev.lockplane.clone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lockplane.ErrorCode;
import dev.lockplane.LockplaneException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScriptDirectoryTest {
  @Test
  void versionedFilesRunInNumericVersionOrderThenTheOthersByPath(@TempDir Path dir) throws Exception {
    for (String name : List.of("V10__later.sql", "V2__early.sql", "V1.10__dotted.sql", "V1.9__dotted.sql",
        "V1_2__underscored.sql", "V1__first.sql", "seed.sql", "afterall.sql", "notes.txt", "sub/V3__nested.sql",
        "sub/zz.sql")) {
      Path f = dir.resolve(name);
      Files.createDirectories(f.getParent());
      Files.writeString(f, "-- " + name + "\n");
    }
    List<String> names = Script.directory(dir).stream()
        .map(s -> dir.relativize(Path.of(s.name())).toString().replace('\\', '/')).toList();
    assertThat(names).containsExactly("V1__first.sql", "V1_2__underscored.sql", "V1.9__dotted.sql",
        "V1.10__dotted.sql", "V2__early.sql", "sub/V3__nested.sql", "V10__later.sql",
        "afterall.sql", "seed.sql", "sub/zz.sql");
    assertThat(Script.directory(dir).get(0).sql()).isEqualTo("-- V1__first.sql\n");
  }

  @Test
  void goldenFromScriptsExpandsADirectoryInRunOrder(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("V10__b.sql"), "ALTER TABLE t ADD COLUMN b int;");
    Files.writeString(dir.resolve("V2__a.sql"), "CREATE TABLE t (a int);");
    Path single = Files.writeString(dir.resolveSibling(dir.getFileName() + "-seed.sql"), "INSERT INTO t VALUES (1);");
    try {
      Golden.FromScripts g = (Golden.FromScripts) Golden.fromScripts(dir, single);
      assertThat(g.scripts()).extracting(Script::sql).containsExactly(
          "CREATE TABLE t (a int);", "ALTER TABLE t ADD COLUMN b int;", "INSERT INTO t VALUES (1);");
    } finally {
      Files.delete(single);
    }
  }

  @Test
  void aMissingDirectoryIsAnIoError(@TempDir Path dir) {
    assertThatThrownBy(() -> Script.directory(dir.resolve("nope")))
        .isInstanceOfSatisfying(LockplaneException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.IO_ERROR))
        .hasMessageContaining("nope");
  }
}
