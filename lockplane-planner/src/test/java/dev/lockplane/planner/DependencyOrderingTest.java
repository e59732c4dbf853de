package dev.lockplane.planner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lockplane.ErrorCode;
import dev.lockplane.LockplaneException;
import dev.lockplane.clone.Script;
import dev.lockplane.internal.sql.ScriptRunner;
import dev.lockplane.plan.Plan;
import dev.lockplane.plan.Step;
import dev.lockplane.postgres.LocalPostgres;
import dev.lockplane.schema.DatabaseSchema;
import dev.lockplane.schema.Dependency;
import dev.lockplane.testing.SharedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The order of the steps around objects that depend on each other, on the corpus cases that need
 * it: the corpus proves that these plans converge and roll back; these tests pin down why (which
 * step goes before which) and that the key swaps run in one transaction.
 */
class DependencyOrderingTest {
  LocalPostgres pg = SharedPostgres.get();
  Planner planner = Lockplane.planner().scratchServer(pg).build();
  String db;

  @BeforeEach
  void createDatabase() throws Exception {
    db = "ordering_" + Long.toHexString(System.nanoTime());
    PlannerCorpusTest.exec(pg, "CREATE DATABASE " + db + " TEMPLATE template0");
  }

  @AfterEach
  void dropDatabase() throws Exception {
    PlannerCorpusTest.exec(pg, "DROP DATABASE IF EXISTS " + db + " WITH (FORCE)");
  }

  private Plan plan(String corpusCase, String rows) throws Exception {
    Path dir = PlannerCorpusTest.CORPUS.resolve(corpusCase);
    try (Connection c = pg.connect(db)) {
      ScriptRunner.run(c, Script.of("before.sql", Files.readString(dir.resolve("before.sql")) + rows));
    }
    return planner.plan(pg.dataSource(db), Desired.sql("after.sql", Files.readString(dir.resolve("after.sql"))));
  }

  private static int first(List<Step> steps, Predicate<Step> p) {
    for (int i = 0; i < steps.size(); i++) {
      if (p.test(steps.get(i))) {
        return i;
      }
    }
    throw new AssertionError("no such step in " + steps.stream().map(Step::description).toList());
  }

  private static int last(List<Step> steps, Predicate<Step> p) {
    int at = -1;
    for (int i = 0; i < steps.size(); i++) {
      if (p.test(steps.get(i))) {
        at = i;
      }
    }
    assertThat(at).as("a matching step").isNotNegative();
    return at;
  }

  private static Predicate<Step> named(String operation, String text) {
    return s -> s.operation().equals(operation) && s.description().contains(text);
  }

  private String query(String sql) throws Exception {
    try (Connection c = pg.connect(db); Statement s = c.createStatement(); ResultSet r = s.executeQuery(sql)) {
      StringBuilder b = new StringBuilder();
      while (r.next()) {
        b.append(r.getString(1)).append('\n');
      }
      return b.toString();
    }
  }

  @Test
  void aDomainInUseMovesItsCheckToANewFunctionInPlace() throws Exception {
    Plan plan = plan("271-domain-check-switches-function", "INSERT INTO counters VALUES (1, 500);");
    List<Step> steps = plan.steps();
    assertThat(steps).noneMatch(s -> s.operation().equals("drop_domain"));
    int create = first(steps, named("create_function", "is_bounded"));
    int alter = first(steps, named("alter_domain", "bounded_int"));
    int drop = first(steps, named("drop_function", "is_small"));
    assertThat(create).isLessThan(alter);
    assertThat(alter).isLessThan(drop);
    assertThat(steps.get(alter).sql()).containsExactly(
        "ALTER DOMAIN public.bounded_int DROP CONSTRAINT bounded_int_check",
        "ALTER DOMAIN public.bounded_int ADD CONSTRAINT bounded_int_check CHECK (is_bounded(VALUE))");
    planner.apply(plan, pg.dataSource(db));
    assertThat(query("SELECT hits FROM counters")).isEqualTo("500\n");
    assertThat(query("SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conname = 'bounded_int_check'"))
        .isEqualTo("CHECK (is_bounded(VALUE))\n");
  }

  @Test
  void foreignKeysAreDroppedAroundAKeySwapInOneTransaction() throws Exception {
    Plan plan = plan("273-composite-unique-to-primary-key-with-foreign-keys",
        "INSERT INTO stock VALUES (1, 'a', 10), (2, 'b', 20);"
            + "INSERT INTO picks VALUES (1, 1, 'a'); INSERT INTO counts VALUES (1, 2, 'b');"
            + "INSERT INTO moves VALUES (1, 10); INSERT INTO stock_notes VALUES (1, 1, 'a', 20);");
    List<Step> steps = plan.steps();
    Predicate<Step> keyDrop = s -> s.operation().equals("drop_constraint") && s.description().contains("from public.stock")
        && !s.description().startsWith("Drop foreign key");
    Predicate<Step> keyAdd = s -> s.operation().equals("add_constraint") && s.description().contains("to public.stock")
        && !s.description().startsWith("Add foreign key");
    for (String fk : List.of("picks_stock_fk", "counts_stock_fk", "moves_serial_fkey", "stock_notes_loc_fk",
        "stock_notes_serial_fk")) {
      assertThat(first(steps, named("drop_constraint", "foreign key " + fk))).as(fk).isLessThan(first(steps, keyDrop));
      assertThat(first(steps, named("add_constraint", "foreign key " + fk))).as(fk).isGreaterThan(last(steps, keyAdd));
    }
    // consecutive transactional steps share one transaction: no moment without the foreign keys is visible
    assertThat(steps).allSatisfy(s -> assertThat(s.transactional()).as(s.description()).isTrue());
    planner.apply(plan, pg.dataSource(db));
    assertThat(query("SELECT conname || ' ' || contype::text FROM pg_constraint WHERE conrelid = 'stock'::regclass AND contype IN ('p', 'u')"
        + " ORDER BY conname")).isEqualTo("stock_pkey p\nstock_serial_key u\n");
    assertThat(query("SELECT count(*) FROM pg_constraint WHERE confrelid = 'stock'::regclass")).isEqualTo("5\n");
    planner.apply(plan.reverse(), pg.dataSource(db));
    assertThat(query("SELECT conname || ' ' || contype::text FROM pg_constraint WHERE conrelid = 'stock'::regclass AND contype IN ('p', 'u')"
        + " ORDER BY conname")).isEqualTo("stock_location_key u\nstock_pkey p\n");
    assertThat(query("SELECT count(*) FROM picks JOIN stock USING (warehouse, sku)")).isEqualTo("1\n");
  }

  @Test
  void foreignKeysBetweenTypesThatStopMatchingAreReAddedAfterBothSidesChange() throws Exception {
    Plan plan = plan("275-referenced-key-type-incompatible",
        "INSERT INTO products VALUES (7, 'lamp'); INSERT INTO prices VALUES (7, 9.5); INSERT INTO reviews VALUES (1, 7);");
    List<Step> steps = plan.steps();
    for (String fk : List.of("prices_product_code_fkey", "reviews_product_code_fkey")) {
      int drop = first(steps, named("drop_constraint", fk));
      int add = first(steps, named("add_constraint", fk));
      assertThat(drop).as(fk).isLessThan(first(steps, named("alter_column", "public.products")));
      assertThat(add).as(fk).isGreaterThan(last(steps, s -> s.operation().equals("alter_column")));
    }
    planner.apply(plan, pg.dataSource(db));
    assertThat(query("SELECT p.name FROM reviews r JOIN products p ON p.code = r.product_code")).isEqualTo("lamp\n");
  }

  @Test
  void foreignKeysBetweenTypesThatStayComparableAreLeftToPostgres() throws Exception {
    Plan plan = plan("274-referenced-key-widened-several-foreign-keys", "");
    assertThat(plan.steps()).extracting(Step::operation).containsOnly("alter_column");
  }

  @Test
  void theCatalogsEdgesAreReadBetweenTheModelsObjects() throws Exception {
    try (Connection c = pg.connect(db)) {
      ScriptRunner.run(c, Script.of("catalog.sql", """
          CREATE FUNCTION positive(integer) RETURNS boolean LANGUAGE sql IMMUTABLE AS 'SELECT $1 > 0';
          CREATE FUNCTION stamp() RETURNS text LANGUAGE sql VOLATILE AS $$ SELECT now()::text $$;
          CREATE FUNCTION lower_name(text) RETURNS text LANGUAGE sql IMMUTABLE AS 'SELECT lower($1)';
          CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
          CREATE FUNCTION allowed(integer) RETURNS boolean LANGUAGE sql STABLE AS 'SELECT true';
          CREATE DOMAIN amount AS integer CHECK (positive(VALUE));
          CREATE TYPE order_line AS (qty amount, label text);
          CREATE SEQUENCE ticket_numbers;
          CREATE TABLE tickets (id integer PRIMARY KEY, n bigint DEFAULT nextval('ticket_numbers'),
              made text DEFAULT stamp(), qty amount, lines order_line[], name text);
          CREATE TABLE notes (id serial PRIMARY KEY, ticket_id integer REFERENCES tickets);
          CREATE INDEX tickets_lower_name ON tickets (lower_name(name));
          CREATE TRIGGER tickets_touch BEFORE UPDATE ON tickets FOR EACH ROW EXECUTE FUNCTION touch();
          CREATE POLICY own ON tickets USING (allowed(id));
          CREATE VIEW ticket_names AS SELECT id, lower_name(name) AS name FROM tickets;
          CREATE VIEW named_notes AS SELECT n.id, t.name FROM notes n JOIN ticket_names t ON t.id = n.ticket_id;
          CREATE FUNCTION ticket_count() RETURNS bigint LANGUAGE sql STABLE BEGIN ATOMIC SELECT count(*) FROM tickets; END;
          """));
      DatabaseSchema schema = planner.introspect(c);
      assertThat(schema.dependencies()).contains(
          new Dependency("type:public.amount", "fn:public.positive"),
          new Dependency("type:public.order_line", "type:public.amount"),
          new Dependency("col:public.tickets.qty", "type:public.amount"),
          new Dependency("col:public.tickets.lines", "type:public.order_line"),
          new Dependency("col:public.tickets.n", "seq:public.ticket_numbers"),
          new Dependency("col:public.tickets.made", "fn:public.stamp"),
          new Dependency("col:public.notes.id", "seq:public.notes_id_seq"),
          new Dependency("con:public.notes.notes_ticket_id_fkey", "rel:public.tickets"),
          new Dependency("con:public.notes.notes_ticket_id_fkey", "con:public.tickets.tickets_pkey"),
          new Dependency("idx:public.tickets_lower_name", "fn:public.lower_name"),
          new Dependency("trg:public.tickets.tickets_touch", "fn:public.touch"),
          new Dependency("pol:public.tickets.own", "fn:public.allowed"),
          new Dependency("rel:public.ticket_names", "rel:public.tickets"),
          new Dependency("rel:public.ticket_names", "fn:public.lower_name"),
          new Dependency("rel:public.named_notes", "rel:public.ticket_names"),
          new Dependency("fn:public.ticket_count", "rel:public.tickets"));
      // a sequence owned by its column, and a column's edges to its own table, would make cycles
      assertThat(schema.dependencies()).noneMatch(d -> d.object().startsWith("seq:") && d.dependsOn().startsWith("rel:"))
          .noneMatch(d -> d.object().startsWith("col:public.tickets.") && d.dependsOn().equals("rel:public.tickets"))
          .noneMatch(d -> d.dependsOn().startsWith("fn:pg_catalog.") || d.dependsOn().startsWith("type:pg_catalog."))
          .isSorted();
      // the edges order steps only: the model's identity, hash and JSON form leave them out
      DatabaseSchema without = schema.withDependencies(List.of());
      assertThat(without).isEqualTo(schema).hasSameHashCodeAs(schema);
      assertThat(Planner.hash(without)).isEqualTo(Planner.hash(schema));
      assertThat(dev.lockplane.internal.planner.SchemaJson.MAPPER.writeValueAsString(schema)).doesNotContain("fn:public");
    }
  }

  @Test
  void aColumnDefaultMovesToItsNewFunctionBeforeTheOldOneIsDropped() throws Exception {
    Plan plan = plan("282-column-default-switches-function", "INSERT INTO tickets (id) VALUES (1);");
    List<Step> steps = plan.steps();
    int create = first(steps, named("create_function", "new_code"));
    int alter = first(steps, named("alter_column", "code"));
    int drop = first(steps, named("drop_function", "old_code"));
    assertThat(create).isLessThan(alter);
    assertThat(alter).isLessThan(drop);
    List<Step> back = plan.reverse().steps();
    assertThat(first(back, named("alter_column", "code"))).isLessThan(first(back, named("drop_function", "new_code")));
    planner.apply(plan, pg.dataSource(db));
    try (Connection c = pg.connect(db); Statement s = c.createStatement()) {
      s.execute("INSERT INTO tickets (id) VALUES (2)");
    }
    assertThat(query("SELECT left(code, 2) FROM tickets ORDER BY id")).isEqualTo("A-\nB-\n");
  }

  @Test
  void aSequenceComesBeforeTheFunctionBodyThatUsesItAndTheColumnDefaultAfterBoth() throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(pg.majorVersion() >= 14, "SQL-standard function bodies need PostgreSQL 14");
    Plan plan = plan("285-sql-body-function-uses-new-sequence", "INSERT INTO orders VALUES (1, 'old');");
    List<Step> steps = plan.steps();
    int sequence = first(steps, named("create_sequence", "order_refs"));
    int function = first(steps, named("create_function", "next_ref"));
    int column = first(steps, named("alter_column", "ref"));
    assertThat(sequence).isLessThan(function);
    assertThat(function).isLessThan(column);
    List<Step> back = plan.reverse().steps();
    assertThat(first(back, named("alter_column", "ref"))).isLessThan(first(back, named("drop_function", "next_ref")));
    assertThat(first(back, named("drop_function", "next_ref"))).isLessThan(first(back, named("drop_sequence", "order_refs")));
    planner.apply(plan, pg.dataSource(db));
    try (Connection c = pg.connect(db); Statement s = c.createStatement()) {
      s.execute("INSERT INTO orders (id) VALUES (2)");
    }
    assertThat(query("SELECT ref FROM orders ORDER BY id")).isEqualTo("old\nR1\n");
  }

  @Test
  void aFunctionReCreatedForANewResultTypeTakesItsDependentsAlong() throws Exception {
    Plan plan = plan("310-function-result-retyped-with-dependents", "");
    List<Step> steps = plan.steps();
    int drop = first(steps, named("drop_function", "price_of"));
    int create = first(steps, named("create_function", "price_of"));
    assertThat(steps).noneMatch(s -> s.operation().equals("replace_function"));
    for (Predicate<Step> dependent : List.of(named("drop_view", "public.priced"), named("drop_view", "public.expensive"),
        named("drop_constraint", "positive_price"), named("drop_index", "orders_price"),
        named("alter_column", "Alter column total"))) {
      assertThat(first(steps, dependent)).isLessThan(drop);
    }
    assertThat(first(steps, named("drop_view", "public.expensive"))).isLessThan(first(steps, named("drop_view", "public.priced")));
    for (Predicate<Step> dependent : List.of(named("create_view", "public.priced"), named("create_view", "public.expensive"),
        named("add_constraint", "positive_price"), named("create_index", "orders_price"))) {
      assertThat(first(steps, dependent)).isGreaterThan(create);
    }
    assertThat(last(steps, named("alter_column", "Alter column total"))).isGreaterThan(create);
    // one transaction: no moment without the default, the constraint or the views is visible
    assertThat(steps).allSatisfy(s -> assertThat(s.transactional()).as(s.description()).isTrue());
    planner.apply(plan, pg.dataSource(db));
    assertThat(query("SELECT pg_get_expr(adbin, adrelid) FROM pg_attrdef WHERE adrelid = 'orders'::regclass"
        + " AND adnum = 3")).isEqualTo("price_of(1)\n");
    assertThat(query("SELECT pg_typeof(price)::text || ' ' || id FROM expensive")).isEqualTo("bigint 2\n");
    assertThat(query("SELECT count(*) FROM pg_constraint WHERE conname = 'positive_price'")).isEqualTo("1\n");
    assertThat(query("SELECT indexname FROM pg_indexes WHERE indexname = 'orders_price'")).isEqualTo("orders_price\n");
    assertThat(query("SELECT id || ' ' || qty || ' ' || total FROM orders ORDER BY id")).isEqualTo("1 3 6\n2 10 20\n3 1 2\n");
  }

  @Test
  void aFunctionWithARenamedParameterTakesThePolicyAndTheTriggerCallingItAlong() throws Exception {
    Plan plan = plan("311-function-parameter-renamed-with-policy-and-trigger", "");
    List<Step> steps = plan.steps();
    int drop = first(steps, named("drop_function", "visible"));
    int create = first(steps, named("create_function", "visible"));
    assertThat(first(steps, named("drop_policy", "own_docs"))).isLessThan(drop);
    assertThat(first(steps, named("drop_trigger", "doc_stamp"))).isLessThan(drop);
    assertThat(first(steps, named("create_policy", "own_docs"))).isGreaterThan(create);
    assertThat(first(steps, named("create_trigger", "doc_stamp"))).isGreaterThan(create);
    planner.apply(plan, pg.dataSource(db));
    assertThat(query("SELECT pg_get_expr(polqual, polrelid) FROM pg_policy")).isEqualTo("visible(owner)\n");
    assertThat(query("SELECT count(*) FROM pg_trigger WHERE tgname = 'doc_stamp'")).isEqualTo("1\n");
  }

  @Test
  void aFunctionReCreatedUnderADomainCheckAndDefaultKeepsTheDomain() throws Exception {
    Plan plan = plan("315-function-recreated-with-domain-check-and-default", "");
    List<Step> steps = plan.steps();
    assertThat(steps).noneMatch(s -> s.operation().equals("drop_domain") || s.operation().equals("replace_function"));
    int dropCode = first(steps, named("drop_function", "is_code"));
    int createCode = first(steps, named("create_function", "is_code"));
    int dropRank = first(steps, named("drop_function", "first_rank"));
    int createRank = first(steps, named("create_function", "first_rank"));
    int offCode = first(steps, named("alter_domain", "public.code"));
    int backCode = last(steps, named("alter_domain", "public.code"));
    int offRank = first(steps, named("alter_domain", "public.rank"));
    int backRank = last(steps, named("alter_domain", "public.rank"));
    assertThat(offCode).isLessThan(dropCode);
    assertThat(backCode).isGreaterThan(createCode);
    assertThat(offRank).isLessThan(dropRank);
    assertThat(backRank).isGreaterThan(createRank);
    // only the check that calls the function comes off; the other one stays as it is
    assertThat(steps.get(offCode).sql()).containsExactly("ALTER DOMAIN public.code DROP CONSTRAINT code_shape");
    assertThat(steps.get(backCode).sql()).containsExactly(
        "ALTER DOMAIN public.code ADD CONSTRAINT code_shape CHECK ((is_code(VALUE) = 1))");
    assertThat(steps.get(offRank).sql()).containsExactly("ALTER DOMAIN public.rank DROP DEFAULT");
    assertThat(steps.get(backRank).sql()).containsExactly("ALTER DOMAIN public.rank SET DEFAULT first_rank(0)");
    assertThat(steps).allSatisfy(s -> assertThat(s.transactional()).as(s.description()).isTrue());
    planner.apply(plan, pg.dataSource(db));
    assertThat(query("SELECT id || ' ' || code || ' ' || rank FROM items ORDER BY id")).isEqualTo("1 ABC 5\n2 XYZ 1\n");
    assertThat(query("SELECT conname || ' ' || pg_get_constraintdef(oid) FROM pg_constraint"
        + " WHERE contypid = 'code'::regtype ORDER BY conname"))
        .isEqualTo("code_shape CHECK ((is_code(VALUE) = 1))\ncode_short CHECK ((length(VALUE) < 10))\n");
    assertThat(query("SELECT typdefault FROM pg_type WHERE oid = 'rank'::regtype")).isEqualTo("first_rank(0)\n");
    try (Connection c = pg.connect(db); Statement s = c.createStatement()) {
      assertThatThrownBy(() -> s.execute("INSERT INTO items VALUES (3, 'abc', 1)"))
          .hasMessageContaining("code_shape");
      s.execute("INSERT INTO items (id, code) VALUES (4, 'DEF')");
    }
    assertThat(query("SELECT rank FROM items WHERE id = 4")).isEqualTo("1\n");
  }

  @Test
  void aFunctionReCreatedUnderAGeneratedColumnIsRefusedAtPlanTime() throws Exception {
    try (Connection c = pg.connect(db); Statement s = c.createStatement()) {
      s.execute("CREATE FUNCTION twice(n integer) RETURNS integer LANGUAGE sql IMMUTABLE AS $$ SELECT n * 2 $$;"
          + "CREATE TABLE parts (id integer PRIMARY KEY, qty integer, doubled integer GENERATED ALWAYS AS (twice(qty)) STORED);"
          + "INSERT INTO parts VALUES (1, 4)");
    }
    String after = "CREATE FUNCTION twice(n integer) RETURNS bigint LANGUAGE sql IMMUTABLE AS $$ SELECT n::bigint * 2 $$;"
        + "CREATE TABLE parts (id integer PRIMARY KEY, qty integer, doubled integer GENERATED ALWAYS AS (twice(qty)) STORED);";
    assertThatThrownBy(() -> planner.plan(pg.dataSource(db), Desired.sql("after.sql", after)))
        .isInstanceOfSatisfying(LockplaneException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.UNSUPPORTED))
        .hasMessageContaining("public.parts.doubled").hasMessageContaining("public.twice")
        .hasMessageContaining("Split the change");
    assertThat(query("SELECT doubled FROM parts")).isEqualTo("8\n");
  }
}
