package dev.lockplane.instances;

import dev.lockplane.clone.Clone;
import dev.lockplane.clone.Golden;
import dev.lockplane.clone.Script;
import dev.lockplane.storage.CowStorage;
import dev.lockplane.storage.CowStorages;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/** The golden and the manager settings every instance clone test uses, and small SQL helpers. */
final class Fixtures {
  static final Golden GOLDEN = Golden.fromScripts(List.of(
      Script.of("schema.sql", """
          -- items of the golden
          CREATE TABLE items (id int PRIMARY KEY, name text NOT NULL);
          CREATE FUNCTION item_label(i items) RETURNS text LANGUAGE sql AS $$ SELECT i.id || ': ' || i.name $$;
          """),
      Script.of("seed.sql", "INSERT INTO items SELECT g, 'item ''' || g || '''' FROM generate_series(1, 100) g;\n")));

  private Fixtures() {}

  static InstanceClones.Builder manager(CowStorage storage, int portFrom) {
    return manager(storage, portFrom, portFrom + 49, GOLDEN);
  }

  static InstanceClones.Builder manager(CowStorage storage, int portFrom, int portTo, Golden golden) {
    return InstanceClones.on(storage)
        .golden(golden)
        .portRange(portFrom, portTo)
        .setting("shared_buffers", "16MB")
        .setting("max_connections", "20")
        .setting("wal_init_zero", "off");
  }

  /** Parses the storage specs passed to the child JVM: {@code zfs:DATASET}, {@code reflink:PATH}, {@code copy:PATH}. */
  static CowStorage storage(String spec) {
    String kind = spec.substring(0, spec.indexOf(':'));
    String where = spec.substring(spec.indexOf(':') + 1);
    return switch (kind) {
      case "zfs" -> CowStorages.zfs(where);
      case "reflink" -> CowStorages.reflink(Path.of(where));
      case "copy" -> CowStorages.copy(Path.of(where));
      default -> throw new IllegalArgumentException(spec);
    };
  }

  static long count(Clone c, String sql) {
    try (Connection conn = c.dataSource().getConnection(); Statement s = conn.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    } catch (SQLException e) {
      throw new IllegalStateException(sql + " on " + c + ": " + e.getMessage(), e);
    }
  }

  static void exec(Clone c, String sql) {
    try (Connection conn = c.dataSource().getConnection(); Statement s = conn.createStatement()) {
      s.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException(sql + " on " + c + ": " + e.getMessage(), e);
    }
  }
}
