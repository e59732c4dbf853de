package dev.lockplane.planner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lockplane.ErrorCode;
import dev.lockplane.LockplaneException;
import dev.lockplane.plan.LockMode;
import dev.lockplane.plan.Plan;
import dev.lockplane.plan.RiskClass;
import dev.lockplane.plan.Step;
import dev.lockplane.plan.StepLock;
import dev.lockplane.plan.StepRisk;
import dev.lockplane.plan.TableEffect;
import dev.lockplane.postgres.LocalPostgres;
import dev.lockplane.safety.SafetyLevel;
import dev.lockplane.testing.SharedPostgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Types whose values tables store change shape without losing them, or the plan is refused when it
 * is made (never when it is applied); domain constraints report the scan they cause.
 */
class TypeShapeChangesTest {
  LocalPostgres pg = SharedPostgres.get();
  Planner planner = Lockplane.planner().scratchServer(pg).build();
  String db;

  @BeforeEach
  void createDatabase() throws Exception {
    db = "shape_" + Long.toHexString(System.nanoTime());
    PlannerCorpusTest.exec(pg, "CREATE DATABASE " + db + " TEMPLATE template0");
  }

  @AfterEach
  void dropDatabase() throws Exception {
    PlannerCorpusTest.exec(pg, "DROP DATABASE IF EXISTS " + db + " WITH (FORCE)");
  }

  private void run(String sql) throws Exception {
    try (Connection c = pg.connect(db); Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  private List<String> rows(String sql) throws Exception {
    List<String> out = new ArrayList<>();
    try (Connection c = pg.connect(db); Statement s = c.createStatement(); ResultSet r = s.executeQuery(sql)) {
      while (r.next()) {
        out.add(r.getString(1));
      }
    }
    return out;
  }

  private Plan plan(Planner p, String desired) {
    return p.plan(pg.dataSource(db), Desired.sql("desired.sql", desired));
  }

  @Test
  void aColumnTypeChangeOnATableWhoseRowTypeIsStoredIsRefusedAtPlanTimeNamingBothColumns() throws Exception {
    run("CREATE TABLE address (street text, postcode integer);"
        + "CREATE TABLE parcel (id integer PRIMARY KEY, copy address);");
    assertThatThrownBy(() -> plan(planner, "CREATE TABLE address (street text, postcode text);"
        + "CREATE TABLE parcel (id integer PRIMARY KEY, copy address);"))
        .isInstanceOfSatisfying(LockplaneException.class, e -> {
          assertThat(e.code()).isEqualTo(ErrorCode.UNSUPPORTED);
          assertThat(e.getMessage()).contains("public.address.postcode (type integer -> text)")
              .contains("public.parcel.copy stores the row type of table public.address")
              .contains("move public.parcel.copy off type public.address");
        });
    // a column added with a default rewrites the rows' shape: refused the same way
    assertThatThrownBy(() -> plan(planner, "CREATE TABLE address (street text, postcode integer, country text DEFAULT 'NO');"
        + "CREATE TABLE parcel (id integer PRIMARY KEY, copy address);"))
        .isInstanceOfSatisfying(LockplaneException.class,
            e -> assertThat(e.getMessage()).contains("add column public.address.country with a default")
                .contains("public.parcel.copy"));
    // one added without a default is fine, and the stored rows keep their values
    run("INSERT INTO parcel VALUES (1, ROW('Main 1', 150))");
    Plan ok = plan(planner, "CREATE TABLE address (street text, postcode integer, country text);"
        + "CREATE TABLE parcel (id integer PRIMARY KEY, copy address);");
    planner.apply(ok, pg.dataSource(db));
    assertThat(rows("SELECT copy::text FROM parcel")).containsExactly("(\"Main 1\",150,)");
  }

  @Test
  void aRowTypeStoredInsideACompositeTypeAlsoBlocksTheChange() throws Exception {
    run("CREATE TABLE address (street text, postcode integer);"
        + "CREATE TYPE shipment AS (destination address, weight numeric);"
        + "CREATE TABLE parcel (id integer PRIMARY KEY, sent shipment);");
    assertThatThrownBy(() -> plan(planner, "CREATE TABLE address (street text, postcode bigint);"
        + "CREATE TYPE shipment AS (destination address, weight numeric);"
        + "CREATE TABLE parcel (id integer PRIMARY KEY, sent shipment);"))
        .isInstanceOfSatisfying(LockplaneException.class,
            e -> assertThat(e.getMessage()).contains("public.parcel.sent (public.shipment)"));
  }

  @Test
  void reorderingTheAttributesOfAStoredCompositeTypeIsRefusedAtPlanTime() throws Exception {
    run("CREATE TYPE price AS (amount integer, currency text);"
        + "CREATE TABLE item (id integer PRIMARY KEY, price price);");
    assertThatThrownBy(() -> plan(planner, "CREATE TYPE price AS (currency text, amount integer);"
        + "CREATE TABLE item (id integer PRIMARY KEY, price price);"))
        .isInstanceOfSatisfying(LockplaneException.class, e -> {
          assertThat(e.code()).isEqualTo(ErrorCode.UNSUPPORTED);
          assertThat(e.getMessage()).contains("composite type public.price").contains("public.item.price")
              .contains("add new ones at the end");
        });
  }

  @Test
  void aRetypedAttributeOfACompositeTypeStoredInsideAnotherIsRefusedAtPlanTime() throws Exception {
    run("CREATE TYPE money_amount AS (value integer);"
        + "CREATE TYPE price AS (amount money_amount, currency text);"
        + "CREATE TABLE item (id integer PRIMARY KEY, price price);");
    assertThatThrownBy(() -> plan(planner, "CREATE TYPE money_amount AS (value bigint);"
        + "CREATE TYPE price AS (amount money_amount, currency text);"
        + "CREATE TABLE item (id integer PRIMARY KEY, price price);"))
        .isInstanceOfSatisfying(LockplaneException.class,
            e -> assertThat(e.getMessage()).contains("public.item.price (public.price)"));
  }

  @Test
  void aStoredCompositeTypeIsReCreatedAndItsColumnsConvertedThroughText() throws Exception {
    run("CREATE TYPE price AS (amount integer, currency text);"
        + "CREATE TABLE item (id integer PRIMARY KEY, price price, history price[]);"
        + "INSERT INTO item VALUES (1, ROW(5, 'EUR'), ARRAY[ROW(4, 'USD')::price])");
    Plan p = plan(planner, "CREATE TYPE price AS (amount bigint, currency text, note text);"
        + "CREATE TABLE item (id integer PRIMARY KEY, price price, history price[]);");
    Step s = p.steps().stream().filter(x -> x.operation().equals("alter_type")).findFirst().orElseThrow();
    assertThat(s.sql()).containsExactly(
        "ALTER TYPE public.price ADD ATTRIBUTE note text",
        "ALTER TYPE public.price RENAME TO price__lockplane_old",
        "CREATE TYPE public.price AS (amount bigint, currency text, note text)",
        "ALTER TABLE public.item ALTER COLUMN price DROP DEFAULT",
        "ALTER TABLE public.item ALTER COLUMN price TYPE public.price USING price::text::public.price",
        "ALTER TABLE public.item ALTER COLUMN history DROP DEFAULT",
        "ALTER TABLE public.item ALTER COLUMN history TYPE public.price[] USING history::text::public.price[]",
        "DROP TYPE public.price__lockplane_old");
    assertThat(s.destructive()).isFalse();
    assertThat(s.objects()).contains("column public.item.price", "column public.item.history");
    planner.apply(p, pg.dataSource(db));
    assertThat(rows("SELECT price::text || ' ' || history::text FROM item")).containsExactly("(5,EUR,) {\"(4,USD,)\"}");
  }

  @Test
  void aDomainBaseTypeChangeConvertsItsColumnsAndKeepsTheirDefaults() throws Exception {
    run("CREATE DOMAIN quantity AS integer CHECK (VALUE >= 0);"
        + "CREATE TABLE stock (id integer PRIMARY KEY, on_hand quantity NOT NULL DEFAULT 0);"
        + "INSERT INTO stock VALUES (1, 7)");
    String desired = "CREATE DOMAIN quantity AS bigint CHECK (VALUE >= 0);"
        + "CREATE TABLE stock (id integer PRIMARY KEY, on_hand quantity NOT NULL DEFAULT 0);";
    Plan p = plan(Lockplane.planner().scratchServer(pg).safety(SafetyLevel.MODERATE).build(), desired);
    Step s = p.steps().stream().filter(x -> x.operation().equals("retype_domain")).findFirst().orElseThrow();
    assertThat(s.sql()).containsExactly(
        "CREATE DOMAIN public.quantity__lockplane_new AS bigint CONSTRAINT quantity_check CHECK ((VALUE >= 0))",
        "ALTER TABLE public.stock ALTER COLUMN on_hand DROP DEFAULT",
        "ALTER TABLE public.stock ALTER COLUMN on_hand TYPE public.quantity__lockplane_new"
            + " USING on_hand::bigint::public.quantity__lockplane_new",
        "DROP DOMAIN public.quantity",
        "ALTER DOMAIN public.quantity__lockplane_new RENAME TO quantity",
        "ALTER TABLE public.stock ALTER COLUMN on_hand SET DEFAULT 0");
    assertThat(s.risk().kinds()).containsExactly("ALTER_COLUMN_TYPE_REWRITE");
    assertThat(s.risk().effect()).isEqualTo(TableEffect.REWRITE);
    assertThat(s.risk().locks()).containsExactly(new StepLock(LockMode.ACCESS_EXCLUSIVE, "public.stock"));
    planner.apply(p, pg.dataSource(db));
    assertThat(rows("SELECT on_hand::text || ' ' || pg_typeof(on_hand)::text FROM stock")).containsExactly("7 quantity");
    run("INSERT INTO stock (id) VALUES (2)");
    assertThat(rows("SELECT on_hand::text FROM stock WHERE id = 2")).containsExactly("0");
    assertThat(planner.plan(pg.dataSource(db), Desired.sql("desired.sql", desired)).steps()).isEmpty();
  }

  @Test
  void aDomainConstraintOnAUsedDomainIsReportedAsAScanOfEveryUsingTableUnderShare() throws Exception {
    run("CREATE DOMAIN amount AS integer;"
        + "CREATE TABLE orders (id integer PRIMARY KEY, total amount);"
        + "INSERT INTO orders SELECT g, g FROM generate_series(1, 100) g; ANALYZE orders");
    String desired = "CREATE DOMAIN amount AS integer NOT NULL CONSTRAINT amount_positive CHECK (VALUE > 0);"
        + "CREATE TABLE orders (id integer PRIMARY KEY, total amount);";
    Planner strict = Lockplane.planner().scratchServer(pg).safety(SafetyLevel.MODERATE).build();
    Step s = plan(strict, desired).steps().stream().filter(x -> x.operation().equals("alter_domain")).findFirst()
        .orElseThrow();
    StepRisk r = s.risk();
    assertThat(r.kinds()).containsExactly("ALTER_DOMAIN_ADD_CHECK", "ALTER_DOMAIN_SET_NOT_NULL");
    assertThat(r.effect()).isEqualTo(TableEffect.SCAN);
    assertThat(r.risk()).isEqualTo(RiskClass.REVIEW);
    assertThat(r.locks()).containsExactly(new StepLock(LockMode.SHARE, "public.orders"));
    assertThat(r.findings()).extracting(f -> f.ruleId())
        .containsExactly("alter-domain-add-check", "alter-domain-set-not-null");
  }

  @Test
  void aDomainThatNoColumnUsesChangesInTheCatalogOnly() throws Exception {
    run("CREATE DOMAIN amount AS integer; CREATE TABLE orders (id integer PRIMARY KEY)");
    Planner moderate = Lockplane.planner().scratchServer(pg).safety(SafetyLevel.MODERATE).build();
    Step s = plan(moderate, "CREATE DOMAIN amount AS integer CONSTRAINT amount_positive CHECK (VALUE > 0);"
        + "CREATE TABLE orders (id integer PRIMARY KEY);").steps().get(0);
    assertThat(s.operation()).isEqualTo("alter_domain");
    assertThat(s.risk().kinds()).isEmpty();
    assertThat(s.risk().effect()).isEqualTo(TableEffect.NONE);
  }

  @Test
  void aRenameHintRenamesAStoredAttributeInPlaceAndTheRollbackRenamesItBack() throws Exception {
    run("CREATE TYPE amount AS (value bigint, cur varchar(3));"
        + "CREATE TABLE invoice (id integer PRIMARY KEY, total amount);"
        + "INSERT INTO invoice VALUES (1, ROW(500, 'EUR')), (2, NULL)");
    Plan plan = plan(planner, "CREATE TYPE amount AS (\n  value bigint,\n"
        + "  currency varchar(3) -- lockplane: renamed from cur\n);\n"
        + "CREATE TABLE invoice (id integer PRIMARY KEY, total amount);");
    assertThat(plan.steps()).singleElement().satisfies(s -> {
      assertThat(s.sql()).containsExactly("ALTER TYPE public.amount RENAME ATTRIBUTE cur TO currency");
      assertThat(s.description()).contains("rename attribute cur to currency");
      assertThat(s.destructive()).isFalse();
    });
    planner.apply(plan, pg.dataSource(db));
    assertThat(rows("SELECT id || ' ' || coalesce((total).currency, '-') FROM invoice ORDER BY id"))
        .containsExactly("1 EUR", "2 -");
    assertThat(plan.reverse().steps()).singleElement()
        .satisfies(s -> assertThat(s.sql()).containsExactly("ALTER TYPE public.amount RENAME ATTRIBUTE currency TO cur"));
    planner.apply(plan.reverse(), pg.dataSource(db));
    assertThat(rows("SELECT (total).cur FROM invoice WHERE id = 1")).containsExactly("EUR");
  }

  @Test
  void anAttributeRenameHintSurvivesJsonAndOldDocumentsWithoutItStillRead() throws Exception {
    String sql = "CREATE TYPE amount AS (\n  value bigint,\n  -- lockplane: renamed from cur\n  currency text\n);";
    var model = planner.load(Desired.sql("desired.sql", sql), dev.lockplane.schema.Dialect.POSTGRESQL, pg.majorVersion());
    assertThat(model.compositeTypes().get(0).attributes()).extracting(a -> a.renamedFrom()).containsExactly(null, "cur");
    String json = Planner.toJson(model);
    assertThat(json).contains("\"renamedFrom\" : \"cur\"");
    var back = planner.load(Desired.json("desired.json", json), dev.lockplane.schema.Dialect.POSTGRESQL, pg.majorVersion());
    assertThat(back.compositeTypes()).isEqualTo(model.compositeTypes());
    var old = planner.load(Desired.json("old.json", json.replaceAll("\\s*\"renamedFrom\" : \"cur\",", "")),
        dev.lockplane.schema.Dialect.POSTGRESQL, pg.majorVersion());
    assertThat(old.compositeTypes().get(0).attributes()).allSatisfy(a -> assertThat(a.renamedFrom()).isNull());
  }
}
