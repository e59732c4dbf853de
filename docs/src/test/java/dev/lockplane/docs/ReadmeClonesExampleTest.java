package dev.lockplane.docs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lockplane.clone.Clone;
import dev.lockplane.clone.CloneManager;
import dev.lockplane.clone.Golden;
import dev.lockplane.clones.CloneManagers;
import dev.lockplane.postgres.LocalPostgres;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import org.junit.jupiter.api.Test;

/** The README's "Clones from code" example, compiled and run. */
class ReadmeClonesExampleTest {
  @Test
  void clonesFromCode() throws Exception {
    Path schema = Path.of("src/test/resources/db/schema.sql");
    Path seed = Path.of("src/test/resources/db/seed.sql");
    try (LocalPostgres pg = LocalPostgres.builder().version(18).start();
        CloneManager clones = CloneManagers.databases(pg).golden(Golden.fromScripts(schema, seed)).start()) {
      Clone c = clones.create("neal-migration-test");
      try (Connection conn = c.dataSource().getConnection()) {
        conn.createStatement().execute("DROP TABLE orders");
      }
      c.reset();
      try (Connection conn = c.dataSource().getConnection();
          ResultSet rs = conn.createStatement().executeQuery("SELECT count(*) FROM orders")) {
        rs.next();
        assertThat(rs.getInt(1)).isEqualTo(100);
      }
      assertThat(clones.strategy().toString()).contains("FILE_CLONE");
    }
  }
}
