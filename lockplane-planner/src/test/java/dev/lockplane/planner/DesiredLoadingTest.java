package dev.lockplane.planner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lockplane.ErrorCode;
import dev.lockplane.LockplaneException;
import dev.lockplane.ScriptException;
import dev.lockplane.clone.Script;
import dev.lockplane.postgres.LocalPostgres;
import dev.lockplane.schema.Column;
import dev.lockplane.schema.DatabaseSchema;
import dev.lockplane.schema.Dialect;
import dev.lockplane.schema.Extension;
import dev.lockplane.testing.SharedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Loading desired SQL: the run order of a directory, and the scratch database's walls (a role that
 * owns only its scratch database; statements that act outside a database are refused).
 */
class DesiredLoadingTest {
  private final LocalPostgres pg = SharedPostgres.get();
  private final Planner planner = Lockplane.planner().scratchServer(pg).build();

  private DatabaseSchema load(Desired desired) {
    return planner.load(desired, Dialect.POSTGRESQL, pg.majorVersion());
  }

  @Test
  void aDirectoryLoadsInVersionOrder(@TempDir Path dir) throws Exception {
    // by name V10 sorts before V2 and would alter a table that does not exist yet
    Files.writeString(dir.resolve("V10__add_b.sql"), "ALTER TABLE t ADD COLUMN b int;\n");
    Files.writeString(dir.resolve("V2__create.sql"), "CREATE TABLE t (a int);\n");
    Files.writeString(dir.resolve("V2.5__add_c.sql"), "ALTER TABLE t ADD COLUMN c int;\n");
    Files.writeString(dir.resolve("views.sql"), "CREATE VIEW v AS SELECT a, b, c FROM t;\n");
    DatabaseSchema s = load(Desired.sqlFiles(dir));
    assertThat(s.table("public", "t").orElseThrow().columns()).extracting(Column::name).containsExactly("a", "c", "b");
    assertThat(s.views()).hasSize(1);
  }

  @Test
  void desiredSqlRunsAsARoleThatOwnsOnlyItsScratchDatabaseAndBothAreDroppedAfterwards() throws Exception {
    DatabaseSchema s = load(Desired.sql("who.sql", """
        CREATE TABLE t (id int);
        DO $$ BEGIN
          EXECUTE format('COMMENT ON TABLE t IS %L', current_user || ' ' || current_database() || ' '
            || (SELECT rolsuper OR rolcreatedb OR rolcreaterole FROM pg_roles WHERE rolname = current_user)::text
            || ' ' || (SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = current_database()));
        END $$;
        """));
    String[] who = s.table("public", "t").orElseThrow().comment().split(" ");
    String role = who[0];
    String database = who[1];
    assertThat(role).startsWith("lp_scratch_");
    assertThat(who[2]).as("superuser, CREATEDB or CREATEROLE").isEqualTo("false");
    assertThat(who[3]).as("owner of the scratch database").isEqualTo(role);
    assertThat(exists("SELECT 1 FROM pg_roles WHERE rolname = ?", role)).isFalse();
    assertThat(exists("SELECT 1 FROM pg_database WHERE datname = ?", database)).isFalse();
  }

  @Test
  void aScratchServerGivenByUrlAlsoRunsDesiredSqlAsTheScratchRole() {
    // credentials in the URL must not win over the scratch role's
    String url = pg.jdbcUrl("postgres") + "?user=" + pg.user() + "&password=" + pg.password() + "&ApplicationName=lp";
    Planner byUrl = Lockplane.planner().scratchServer(url, pg.user(), pg.password()).build();
    DatabaseSchema s = byUrl.load(Desired.sql("who.sql", """
        CREATE TABLE t (id int);
        DO $$ BEGIN
          EXECUTE format('COMMENT ON TABLE t IS %L', current_user || ' '
            || (SELECT rolsuper FROM pg_roles WHERE rolname = current_user)::text);
        END $$;
        """), Dialect.POSTGRESQL, pg.majorVersion());
    String[] who = s.table("public", "t").orElseThrow().comment().split(" ");
    assertThat(who[0]).startsWith("lp_scratch_");
    assertThat(who[1]).isEqualTo("false");
  }

  @Test
  void dropDatabaseIsRefusedWithFileAndLineAndTheOtherDatabaseSurvives(@TempDir Path dir) throws Exception {
    String other = "other_" + UUID.randomUUID().toString().substring(0, 8);
    exec("CREATE DATABASE " + other);
    try {
      Files.writeString(dir.resolve("schema.sql"), "CREATE TABLE a (id int);\n-- and then\nDROP DATABASE " + other + ";\n");
      assertThatThrownBy(() -> load(Desired.sqlFiles(dir)))
          .isInstanceOfSatisfying(LockplaneException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_INPUT))
          .hasMessageContaining("schema.sql:3")
          .hasMessageContaining("DROP DATABASE " + other)
          .hasMessageContaining("acts on a whole database");
      assertThat(exists("SELECT 1 FROM pg_database WHERE datname = ?", other)).isTrue();
    } finally {
      exec("DROP DATABASE IF EXISTS " + other + " WITH (FORCE)");
    }
  }

  @Test
  void statementsThatActOutsideTheDatabaseAreRefused() throws Exception {
    String role = "evil_" + UUID.randomUUID().toString().substring(0, 8);
    for (String sql : new String[] {
        "CREATE ROLE " + role + " SUPERUSER LOGIN",
        "create /* sneaky */ user " + role,
        "ALTER ROLE postgres NOSUPERUSER",
        "DROP GROUP IF EXISTS g",
        "ALTER SYSTEM SET work_mem = '1GB'",
        "CREATE DATABASE " + role,
        "ALTER DATABASE postgres RENAME TO gone",
        "CREATE TABLESPACE ts LOCATION '/tmp'",
        "LOAD 'auto_explain'",
        "COPY (SELECT 1) TO PROGRAM 'touch /tmp/pwned'",
        "CREATE TABLE t (id int);\nCOPY t FROM PROGRAM 'echo 1'"}) {
      assertThatThrownBy(() -> load(Desired.sql("bad.sql", "SELECT 1;\n" + sql + ";")))
          .as(sql)
          .isInstanceOfSatisfying(LockplaneException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_INPUT))
          .hasMessageContaining("bad.sql:" + (sql.startsWith("CREATE TABLE t") ? 3 : 2))
          .hasMessageContaining("desired SQL may not run");
    }
    assertThat(exists("SELECT 1 FROM pg_roles WHERE rolname = ?", role)).isFalse();
    // a user mapping lives inside the database: not refused (it fails later only for want of a server)
    assertThatThrownBy(() -> load(Desired.sql("ok.sql", "CREATE USER MAPPING FOR CURRENT_USER SERVER nosuch;")))
        .isInstanceOf(ScriptException.class).hasMessageContaining("nosuch");
  }

  @Test
  void dynamicSqlThatReachesOutsideFailsForWantOfPrivilegeNamingFileAndLine() throws Exception {
    assertThatThrownBy(() -> load(Desired.sql("system.sql", """
        CREATE TABLE t (id int);
        CREATE FUNCTION reconfigure() RETURNS void LANGUAGE plpgsql AS $$
        BEGIN
          EXECUTE 'ALTER SYSTEM SET work_mem = ''1GB''';
        END $$;
        SELECT reconfigure();
        """)))
        .isInstanceOfSatisfying(ScriptException.class, e -> assertThat(e.line()).isEqualTo(6))
        .hasMessageContaining("system.sql:6");
    String role = "sneaky_" + UUID.randomUUID().toString().substring(0, 8);
    assertThatThrownBy(() -> load(Desired.sql("role.sql", "CREATE TABLE t (id int);\n\nDO $$ BEGIN EXECUTE 'CREATE ROLE "
        + role + " SUPERUSER'; END $$;\n")))
        .isInstanceOfSatisfying(ScriptException.class, e -> assertThat(e.line()).isEqualTo(3))
        .hasMessageContaining("role.sql:3")
        .hasMessageContaining("permission denied");
    assertThat(exists("SELECT 1 FROM pg_roles WHERE rolname = ?", role)).isFalse();
    assertThatThrownBy(() -> load(Desired.sql("file.sql", "SELECT pg_read_file('PG_VERSION');")))
        .isInstanceOf(ScriptException.class).hasMessageContaining("file.sql:1").hasMessageContaining("permission denied");
  }

  @Test
  void extensionsThatNeedTheAdministratorStillLoad() {
    // file_fdw is not trusted: a database owner cannot create it, so it runs as the administrator
    DatabaseSchema s = load(Desired.scripts(Script.of("ext.sql", """
        CREATE SCHEMA ext;
        SET search_path = ext, public;
        CREATE EXTENSION file_fdw;
        CREATE EXTENSION IF NOT EXISTS hstore SCHEMA public;
        CREATE TABLE public.t (h public.hstore);
        """)));
    assertThat(s.extensions()).contains(new Extension("file_fdw", "ext"), new Extension("hstore", "public"));
    assertThat(s.table("public", "t")).isPresent();
  }

  private boolean exists(String query, String value) throws Exception {
    try (Connection c = pg.connect("postgres"); PreparedStatement ps = c.prepareStatement(query)) {
      ps.setString(1, value);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next();
      }
    }
  }

  private void exec(String sql) throws Exception {
    try (Connection c = pg.connect("postgres"); Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }
}
