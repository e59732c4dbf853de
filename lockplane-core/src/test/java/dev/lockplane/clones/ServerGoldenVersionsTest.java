package dev.lockplane.clones;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lockplane.clone.CloneManager;
import dev.lockplane.clone.Golden;
import dev.lockplane.internal.postgres.ClientTools;
import dev.lockplane.postgres.LocalPostgres;
import dev.lockplane.testing.LogCapture;
import dev.lockplane.testing.Requirements;
import dev.lockplane.testing.SharedPostgres;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.Map;
import java.util.UUID;
import java.util.logging.Level;
import java.util.logging.SimpleFormatter;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Goldens read from sources of older major versions than the machine's client tools: each source
 * is an embedded server of that version with password authentication and a read-only role, dumped
 * by the machine's {@code pg_dump} 15 (the lowest installed major version that reads it) and
 * restored into a golden on the shared PostgreSQL 18 server, table for table; and database-level
 * clones on those old servers themselves.
 */
class ServerGoldenVersionsTest {
  private static final String READER = "old_reader";
  private static final String READER_PASSWORD = "old-r3ader-pw";
  @RegisterExtension final LogCapture logs = new LogCapture();

  @ParameterizedTest(name = "PostgreSQL {0}")
  @ValueSource(ints = {13, 14})
  void aSourceOfAnOlderMajorVersionIsDumpedByTheMatchingPgDump(int version) throws Exception {
    Requirements.require(ClientTools.find("pg_dump", 15, null).isPresent(),
        "needs pg_dump 15 (apt-get install postgresql-client-15)");
    Path extra = Path.of(System.getProperty("lockplane.test.extraBinaries", "target/postgres-binaries"));
    try (LocalPostgres source = LocalPostgres.builder().version(version).binariesFrom(extra)
        .setting("shared_buffers", "16MB").start()) {
      assertThat(source.majorVersion()).isEqualTo(version);
      fill(source);
      Map<String, String> expected;
      try (Connection c = source.connect("shop")) {
        expected = ProductionServer.checksums(c);
      }
      assertThat(expected).containsKeys("inventory.items", "inventory.moves", "public.notes");
      assertThat(ClientTools.forServer("pg_dump", version, null, 0).majorVersion()).isEqualTo(15);

      String prefix = "v" + version + UUID.randomUUID().toString().replace("-", "").substring(0, 6) + "_";
      Golden golden = Golden.fromServer("postgres://127.0.0.1:" + source.port() + "/shop", READER, READER_PASSWORD);
      try (CloneManager m = CloneManagers.databases(SharedPostgres.get()).databasePrefix(prefix).golden(golden).start()) {
        try (Connection c = m.create("reader").dataSource().getConnection()) {
          assertThat(ProductionServer.checksums(c)).isEqualTo(expected);
        }
        SimpleFormatter f = new SimpleFormatter();
        assertThat(logs.atLeast(Level.INFO).stream().map(f::formatMessage))
            .anySatisfy(l -> assertThat(l).contains("(PostgreSQL " + version + ") with pg_dump 15"))
            .noneSatisfy(l -> assertThat(l).contains(READER_PASSWORD));
      }
      clonesOnTheOldServerItself(source);
    }
  }

  /**
   * Database-level clones on a server older than 15, whose {@code CREATE DATABASE} has no
   * {@code STRATEGY} clause: each clone is a copy of the golden, private to its holder.
   */
  private static void clonesOnTheOldServerItself(LocalPostgres server) throws Exception {
    Golden golden = Golden.fromScripts(java.util.List.of(dev.lockplane.clone.Script.of("schema.sql",
        "CREATE TABLE t (id int PRIMARY KEY); INSERT INTO t SELECT generate_series(1, 10);")));
    try (CloneManager m = CloneManagers.databases(server).golden(golden).start()) {
      assertThat(m.strategy().method()).isEqualTo(dev.lockplane.clone.CopyMethod.FILE_COPY);
      var a = m.create("a");
      var b = m.create("b");
      try (Connection c = a.dataSource().getConnection(); Statement s = c.createStatement()) {
        s.execute("DELETE FROM t WHERE id > 3");
      }
      assertThat(count(a)).isEqualTo(3);
      assertThat(count(b)).isEqualTo(10);
      a.reset();
      assertThat(count(a)).isEqualTo(10);
    }
  }

  private static long count(dev.lockplane.clone.Clone clone) throws Exception {
    try (Connection c = clone.dataSource().getConnection(); Statement s = c.createStatement();
        java.sql.ResultSet rs = s.executeQuery("SELECT count(*) FROM t")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /** A small schema with the types a dump must carry over, owned by a role the reader is not. */
  private static void fill(LocalPostgres source) throws Exception {
    try (Connection c = source.connect("postgres"); Statement s = c.createStatement()) {
      s.execute("CREATE ROLE " + READER + " LOGIN PASSWORD '" + READER_PASSWORD + "'");
      s.execute("CREATE DATABASE shop");
    }
    try (Connection c = source.connect("shop"); Statement s = c.createStatement()) {
      s.execute("""
          CREATE SCHEMA inventory;
          CREATE TABLE inventory.items (id serial PRIMARY KEY, sku text UNIQUE NOT NULL, attrs jsonb, tags text[]);
          CREATE TABLE inventory.moves (
            id bigserial PRIMARY KEY, item_id int NOT NULL REFERENCES inventory.items,
            qty numeric(10,3) NOT NULL, at timestamptz NOT NULL, note bytea);
          CREATE VIEW inventory.big_moves AS SELECT * FROM inventory.moves WHERE qty > 100;
          CREATE TABLE public.notes (k text PRIMARY KEY, v text);
          INSERT INTO inventory.items (sku, attrs, tags)
            SELECT 'sku-' || g, jsonb_build_object('g', g), ARRAY['a' || g % 3] FROM generate_series(1, 100) g;
          INSERT INTO inventory.moves (item_id, qty, at, note)
            SELECT 1 + g % 100, g * 0.5, timestamptz '2024-03-01 00:00:00+00' + g * interval '11 minutes',
                   decode(md5(g::text), 'hex')
            FROM generate_series(1, 1000) g;
          INSERT INTO public.notes VALUES ('origin', 'old server');
          GRANT USAGE ON SCHEMA inventory TO old_reader;
          GRANT SELECT ON ALL TABLES IN SCHEMA inventory, public TO old_reader;
          GRANT SELECT ON ALL SEQUENCES IN SCHEMA inventory TO old_reader;
          """);
    }
  }
}
