package dev.lockplane.planner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lockplane.ErrorCode;
import dev.lockplane.LockplaneException;
import dev.lockplane.ScriptException;
import dev.lockplane.clone.Script;
import dev.lockplane.internal.sql.ScriptRunner;
import dev.lockplane.plan.ApplyResult;
import dev.lockplane.plan.DriftReport;
import dev.lockplane.plan.Plan;
import dev.lockplane.postgres.LocalPostgres;
import dev.lockplane.schema.DatabaseSchema;
import dev.lockplane.schema.Dialect;
import dev.lockplane.testing.SharedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PlannerBehaviourTest {
  LocalPostgres pg = SharedPostgres.get();
  Planner planner = Lockplane.planner().scratchServer(pg).build();
  String db;

  @BeforeEach
  void createDatabase() throws Exception {
    db = "behaviour_" + Long.toHexString(System.nanoTime());
    PlannerCorpusTest.exec(pg, "CREATE DATABASE " + db + " TEMPLATE template0");
  }

  @AfterEach
  void dropDatabase() throws Exception {
    PlannerCorpusTest.exec(pg, "DROP DATABASE IF EXISTS " + db + " WITH (FORCE)");
  }

  @Test
  void appliesRecordsHistoryAndRefusesAChangedDatabase() throws Exception {
    Plan plan = planner.plan(pg.dataSource(db), Desired.sql("v1.sql", "CREATE TABLE t (id int PRIMARY KEY, a text);"));
    java.util.List<String> events = new java.util.ArrayList<>();
    ApplyResult r = planner.apply(plan, pg.dataSource(db), new dev.lockplane.plan.ApplyListener() {
      @Override
      public void stepStarted(int index, int total, dev.lockplane.plan.Step step) {
        events.add("start " + (index + 1) + "/" + total + " " + step.operation());
      }

      @Override
      public void stepFinished(int index, int total, dev.lockplane.plan.Step step, java.time.Duration took) {
        events.add("end " + (index + 1));
      }
    });
    assertThat(events).containsExactly("start 1/2 create_table", "end 1", "start 2/2 add_constraint", "end 2");
    assertThat(r.resultHash()).isEqualTo(plan.targetHash());
    try (Connection c = pg.connect(db); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT outcome, source_hash, result_hash FROM lockplane.history ORDER BY id")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getString(1)).isEqualTo("applied");
      assertThat(rs.getString(2)).isEqualTo(plan.sourceHash());
      assertThat(rs.getString(3)).isEqualTo(plan.targetHash());
    }
    Plan next = planner.plan(pg.dataSource(db), Desired.sql("v2.sql", "CREATE TABLE t (id int PRIMARY KEY, a text, b int);"));
    try (Connection c = pg.connect(db); Statement s = c.createStatement()) {
      s.execute("ALTER TABLE t ADD COLUMN sneaky int");
    }
    assertThatThrownBy(() -> planner.apply(next, pg.dataSource(db)))
        .isInstanceOfSatisfying(LockplaneException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.SCHEMA_CHANGED))
        .hasMessageContaining("extra column public.t.sneaky");
  }

  @Test
  void aFailingStepRollsBackAndIsRecorded() throws Exception {
    try (Connection c = pg.connect(db); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE t (id int); INSERT INTO t VALUES (NULL)");
    }
    Plan plan = planner.plan(pg.dataSource(db), Desired.sql("v.sql", "CREATE TABLE t (id int NOT NULL, b int);"));
    assertThatThrownBy(() -> planner.apply(plan, pg.dataSource(db)))
        .isInstanceOfSatisfying(LockplaneException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.APPLY_FAILED))
        .hasMessageContaining("Nothing was changed");
    assertThat(planner.introspect(pg.dataSource(db)).table("public", "t").orElseThrow().columns()).hasSize(1);
    try (Connection c = pg.connect(db); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT outcome, error FROM lockplane.history")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getString(1)).isEqualTo("failed");
      assertThat(rs.getString(2)).contains("null values");
    }
  }

  @Test
  void sqlErrorNamesFileAndLine(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("01.sql"), "CREATE TABLE a (id int);\n");
    Files.writeString(dir.resolve("02.sql"), "-- comment\nCREATE TABLE b (id int);\n\nCREATE TABLE c (\n  id int,\n  x nosuchtype\n);\n");
    assertThatThrownBy(() -> planner.load(Desired.sqlFiles(dir), Dialect.POSTGRESQL, pg.majorVersion()))
        .isInstanceOfSatisfying(ScriptException.class, e -> {
          assertThat(e.script()).endsWith("02.sql");
          assertThat(e.line()).isEqualTo(6);
        })
        .hasMessageContaining("02.sql:6");
  }

  @Test
  void jsonIsStrictAndRoundTrips() {
    DatabaseSchema s = planner.load(Desired.sql("s.sql", "CREATE TYPE e AS ENUM ('x');\nCREATE TABLE t (id int PRIMARY KEY, "
        + "e e, c text CHECK (c <> ''));\nCREATE INDEX t_c ON t (c);\nCREATE VIEW v AS SELECT id FROM t;"), Dialect.POSTGRESQL, pg.majorVersion());
    String json = Planner.toJson(s);
    assertThat(Planner.schemaFromJson(json, "s.json")).isEqualTo(s);
    assertThat(Planner.toJson(Planner.schemaFromJson(json, "s.json"))).isEqualTo(json);
    // JSON -> SQL -> scratch database -> the same model.
    assertThat(planner.load(Desired.json("s.json", json), Dialect.POSTGRESQL, pg.majorVersion())).isEqualTo(s);
    assertThatThrownBy(() -> Planner.schemaFromJson(json.replace("\"notNull\"", "\"notNul\""), "s.json"))
        .isInstanceOfSatisfying(LockplaneException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_INPUT))
        .hasMessageContaining("$.schema.tables[0].columns[0].notNul").hasMessageContaining("unknown property 'notNul'");
    assertThatThrownBy(() -> Planner.schemaFromJson("{\"formatVersion\": 1, \"schema\": {", "bad.json"))
        .hasMessageContaining("bad.json: $: malformed JSON");
    assertThatThrownBy(() -> Planner.schemaFromJson("{\"formatVersion\": 2, \"schema\": {}}", "v2.json"))
        .hasMessageContaining("$.formatVersion");
    Plan plan = planner.plan(DatabaseSchema.empty(Dialect.POSTGRESQL), s);
    assertThat(Planner.planFromJson(Planner.toJson(plan), "plan.json")).isEqualTo(plan);
  }

  @Test
  void driftReportsObjectByObject() throws Exception {
    try (Connection c = pg.connect(db); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE t (id int, a text); CREATE TABLE extra (id int)");
    }
    DriftReport r = planner.drift(pg.dataSource(db), Desired.sql("d.sql", "CREATE TABLE t (id bigint, b text);"));
    assertThat(r.differences()).extracting(d -> d.toText()).containsExactly(
        "extra column public.extra.id", "extra column public.t.a", "missing column public.t.b",
        "different column public.t.id: type: integer -> bigint", "extra table public.extra");
    assertThat(Planner.toJson(r)).contains("\"kind\" : \"EXTRA\"");
  }

  @Test
  void renameHintRenamesInsteadOfDropping() throws Exception {
    try (Connection c = pg.connect(db); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE t (id int, old_name text); INSERT INTO t VALUES (1, 'kept')");
    }
    Plan plan = planner.plan(pg.dataSource(db), Desired.sql("r.sql",
        "CREATE TABLE t (\n  id int,\n  new_name text -- lockplane: renamed from old_name\n);"));
    assertThat(plan.steps()).singleElement().satisfies(st -> {
      assertThat(st.operation()).isEqualTo("rename_column");
      assertThat(st.renamedFrom()).isEqualTo("old_name");
    });
    assertThat(plan.isDestructive()).isFalse();
    assertThat(plan.toText()).contains("-- lockplane: renamed from old_name");
    planner.apply(plan, pg.dataSource(db));
    try (Connection c = pg.connect(db); Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT new_name FROM t")) {
      rs.next();
      assertThat(rs.getString(1)).isEqualTo("kept");
    }
    Plan noHint = planner.plan(pg.dataSource(db), Desired.sql("r.sql", "CREATE TABLE t (id int, other text);"));
    assertThat(noHint.isDestructive()).isTrue();
    assertThat(noHint.isReversible()).isFalse();
  }

  @Test
  void postgres18NotNullConstraintsKeepTheirNamesThroughRenames() throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(pg.majorVersion() >= 18, "NOT NULL constraints have names from PostgreSQL 18");
    try (Connection c = pg.connect(db); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE t (id int PRIMARY KEY, a text CONSTRAINT a_required NOT NULL, b text NOT NULL, c text);"
          + "INSERT INTO t VALUES (1, 'x', 'y', 'z')");
    }
    Plan plan = planner.plan(pg.dataSource(db), Desired.sql("n.sql", "CREATE TABLE t (id int PRIMARY KEY,"
        + " a text CONSTRAINT a_present NOT NULL, b text CONSTRAINT b_present NOT NULL, c text CONSTRAINT c_present NOT NULL);"));
    assertThat(plan.toText()).contains("RENAME CONSTRAINT a_required TO a_present",
        "RENAME CONSTRAINT t_b_not_null TO b_present", "SET NOT NULL", "RENAME CONSTRAINT t_c_not_null TO c_present");
    planner.apply(plan, pg.dataSource(db));
    assertThat(planner.plan(pg.dataSource(db), Desired.sql("n.sql", "CREATE TABLE t (id int PRIMARY KEY,"
        + " a text CONSTRAINT a_present NOT NULL, b text CONSTRAINT b_present NOT NULL,"
        + " c text CONSTRAINT c_present NOT NULL);")).steps()).isEmpty();
    // the introspected JSON names only the constraints that chose their names
    String json = Planner.toJson(planner.introspect(pg.dataSource(db)));
    assertThat(json).contains("\"notNullName\" : \"a_present\"").doesNotContain("t_id_not_null");
    // a desired schema that does not name them leaves the names alone
    Plan quiet = planner.plan(pg.dataSource(db), Desired.sql("q.sql",
        "CREATE TABLE t (id int PRIMARY KEY, a text NOT NULL, b text NOT NULL, c text NOT NULL);"));
    assertThat(quiet.toText()).contains("RENAME CONSTRAINT a_present TO t_a_not_null");
  }

  @Test
  void withoutAScratchServerAnEmbeddedServerOfTheTargetVersionIsUsed() {
    // a server for this load alone: its scratch database is made straight from template0, and the
    // desired SQL still runs as a role that owns that database and nothing more
    DatabaseSchema s = Lockplane.planner().build().load(Desired.sql("s.sql", """
        CREATE TABLE t (id int);
        DO $$ BEGIN
          EXECUTE format('COMMENT ON TABLE t IS %L', current_user || ' ' || current_database() || ' '
            || (SELECT rolsuper OR rolcreatedb OR rolcreaterole FROM pg_roles WHERE rolname = current_user)::text
            || ' ' || (SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = current_database())
            || ' ' || current_setting('server_version_num')::int / 10000);
        END $$;
        """), Dialect.POSTGRESQL, 16);
    String[] who = s.table("public", "t").orElseThrow().comment().split(" ");
    assertThat(who[0]).startsWith("lp_scratch_");
    assertThat(who[1]).startsWith("lp_scratch_").isNotEqualTo(who[0]);
    assertThat(who[2]).as("superuser, CREATEDB or CREATEROLE").isEqualTo("false");
    assertThat(who[3]).as("owner of the scratch database").isEqualTo(who[0]);
    assertThat(who[4]).as("the target's major version").isEqualTo("16");
  }

  @Test
  void builderRejectsDuplicateSettings() {
    assertThatThrownBy(() -> Lockplane.planner().lockTimeout(java.time.Duration.ofSeconds(1)).lockTimeout(java.time.Duration.ofSeconds(2)))
        .hasMessageContaining("already set to PT1S");
  }

  @Test
  void sqliteAddsColumnsInPlaceAndRebuildsOtherwise(@TempDir Path dir) throws Exception {
    String url = "jdbc:sqlite:" + dir.resolve("app.db");
    try (Connection c = DriverManager.getConnection(url)) {
      ScriptRunner.run(c, Script.of("before", "CREATE TABLE p (id INTEGER PRIMARY KEY);\n"
          + "CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT, p_id INTEGER REFERENCES p(id));\n"
          + "CREATE INDEX t_a ON t (a);\nINSERT INTO p VALUES (1);\nINSERT INTO t VALUES (1, 'x', 1);"));
      DatabaseSchema current = planner.introspect(c);
      DatabaseSchema add = planner.load(Desired.sql("add", "CREATE TABLE p (id INTEGER PRIMARY KEY);\n"
          + "CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT, p_id INTEGER REFERENCES p(id), b INTEGER DEFAULT 3);\n"
          + "CREATE INDEX t_a ON t (a);"), Dialect.SQLITE, 0);
      Plan plan = planner.plan(current, add);
      assertThat(plan.steps()).extracting(s -> s.operation()).containsExactly("add_column");
      planner.apply(plan, c);
      DatabaseSchema rebuild = planner.load(Desired.sql("rebuild", "CREATE TABLE p (id INTEGER PRIMARY KEY);\n"
          + "CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT NOT NULL CHECK (a <> ''), p_id INTEGER REFERENCES p(id), b INTEGER DEFAULT 3);\n"
          + "CREATE INDEX t_a ON t (a);"), Dialect.SQLITE, 0);
      Plan second = planner.plan(planner.introspect(c), rebuild);
      assertThat(second.steps()).extracting(s -> s.operation()).containsExactly("rebuild_table", "create_index");
      planner.apply(second, c);
      assertThat(planner.drift(planner.introspect(c), rebuild).differences()).isEmpty();
      assertThat(planner.plan(planner.introspect(c), rebuild).isEmpty()).isTrue();
      try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT a, b FROM t")) {
        rs.next();
        assertThat(rs.getString(1)).isEqualTo("x");
        assertThat(rs.getInt(2)).isEqualTo(3);
      }
      planner.apply(second.reverse(), c);
      assertThat(planner.drift(planner.introspect(c), planner.load(Desired.sql("add", Planner.toSql(add)), Dialect.SQLITE, 0))
          .differences()).isEmpty();
    }
  }

  @Test
  void reportsObjectKindsItDoesNotManageAndLeavesThemAlone() throws Exception {
    String kinds = "CREATE FUNCTION add_int(integer, integer) RETURNS integer LANGUAGE sql IMMUTABLE AS 'SELECT $1 + $2';\n"
        + "CREATE OPERATOR ### (LEFTARG = integer, RIGHTARG = integer, FUNCTION = add_int);\n"
        + "CREATE TABLE parent (id int);\nCREATE TABLE child (extra text) INHERITS (parent);\n"
        + "CREATE PUBLICATION everything FOR ALL TABLES;\n";
    try (Connection c = pg.connect(db)) {
      ScriptRunner.run(c, Script.of("before.sql", kinds));
    }
    Plan plan = planner.plan(pg.dataSource(db), Desired.sql("v1.sql",
        "CREATE FUNCTION add_int(integer, integer) RETURNS integer LANGUAGE sql IMMUTABLE AS 'SELECT $1 + $2';\n"
            + "CREATE TABLE parent (id int);\nCREATE TABLE child (extra text) INHERITS (parent);\n"
            + "CREATE TABLE other (id int);\nCREATE TYPE pair AS (a int, b int);\n"
            + "CREATE CAST (pair AS text) WITH INOUT;\n"));
    assertThat(plan.source().unmanaged()).containsExactly(
        "1 operator: ###(integer,integer)",
        "1 publication: everything",
        "1 table inheritance: child inherits parent",
        "in the desired state, not created: 1 cast: (pair AS text)");
    assertThat(plan.toText()).contains("-- not managed, left as it is: 1 operator: ###(integer,integer)\n");
    // The operator, the publication and the inheritance stay as they are.
    planner.apply(plan, pg.dataSource(db));
    try (Connection c = pg.connect(db); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT (SELECT count(*) FROM pg_operator WHERE oprname = '###'), "
            + "(SELECT count(*) FROM pg_publication), (SELECT count(*) FROM pg_inherits)")) {
      assertThat(rs.next()).isTrue();
      assertThat(List.of(rs.getInt(1), rs.getInt(2), rs.getInt(3))).containsExactly(1, 1, 1);
    }
  }

  @Test
  void typeChangesThatChangeValuesAreDestructiveAndStringsAreNeverCut() throws Exception {
    try (Connection c = pg.connect(db)) {
      ScriptRunner.run(c, Script.of("before.sql", "CREATE TABLE m (price numeric(10,2), at timestamp, code varchar(20));\n"
          + "INSERT INTO m VALUES (1.50, '2024-05-01 10:00', 'much too long');"));
    }
    Plan plan = planner.plan(pg.dataSource(db), Desired.sql("v1.sql",
        "CREATE TABLE m (price integer, at date, code varchar(20));"));
    assertThat(plan.steps()).allSatisfy(st -> assertThat(st.destructive()).as(st.description()).isTrue());
    assertThat(plan.toText()).contains("changes values: rounds fractions").contains("changes values: drops the time of day");
    Plan cut = planner.plan(pg.dataSource(db), Desired.sql("v2.sql",
        "CREATE TABLE m (price numeric(10,2), at timestamp, code varchar(4));"));
    assertThat(cut.isDestructive()).isFalse();
    // Without an explicit cast PostgreSQL refuses the long value instead of cutting it.
    assertThatThrownBy(() -> planner.apply(cut, pg.dataSource(db))).isInstanceOf(LockplaneException.class)
        .hasMessageContaining("value too long");
  }
}
