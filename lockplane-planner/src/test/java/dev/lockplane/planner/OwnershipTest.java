package dev.lockplane.planner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lockplane.ErrorCode;
import dev.lockplane.LockplaneException;
import dev.lockplane.plan.Plan;
import dev.lockplane.plan.RiskClass;
import dev.lockplane.plan.Step;
import dev.lockplane.plan.StepFinding;
import dev.lockplane.postgres.LocalPostgres;
import dev.lockplane.safety.ReportFormat;
import dev.lockplane.schema.DatabaseSchema;
import dev.lockplane.testing.ScratchDatabase;
import dev.lockplane.testing.SharedPostgres;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Owners, consumers and deprecations declared in desired SQL and JSON, and the findings they add to a real plan. */
class OwnershipTest {
  static final LocalPostgres pg = SharedPostgres.get();
  static final Planner planner = Lockplane.planner().scratchServer(pg).build();
  static ScratchDatabase db;

  static final String DESIRED = """
      -- lockplane: owner=billing, consumers=reporting, mobile-app
      CREATE TABLE orders (
        id bigint PRIMARY KEY,
        amount bigint, -- lockplane: consumers=finance-export
        -- lockplane: consumers=mobile-app
        email_verified_at timestamptz
      );
      -- Dropped from the schema, but deprecated until a date that has not come:
      -- lockplane: on=orders.is_verified, owner=growth, deprecated, removeAfter=2999-12-31, reason="use email_verified_at", replacement=email_verified_at
      -- lockplane: on=orders.legacy_code, deprecated, removeAfter=2000-01-31, reason="nothing reads it"
      CREATE TABLE notes (id int); -- lockplane: consumers=support
      """;

  @BeforeAll
  static void createDatabase() {
    db = new ScratchDatabase("owners_", "CREATE TABLE orders (id bigint PRIMARY KEY, amount int, is_verified boolean,"
        + " legacy_code text); CREATE TABLE notes (id int)");
  }

  @AfterAll
  static void dropDatabase() {
    if (db != null) {
      db.close();
    }
  }

  @Test
  void sqlCommentsDeclareOwnersConsumersAndDeprecations() {
    Ownership o = Ownership.of(Desired.sql("schema.sql", DESIRED));
    assertThat(o.objects()).containsOnlyKeys("public.notes", "public.orders", "public.orders.amount",
        "public.orders.email_verified_at", "public.orders.is_verified", "public.orders.legacy_code");
    assertThat(o.get("public.orders.email_verified_at").orElseThrow().consumers()).containsExactly("mobile-app");
    assertThat(o.get("public.orders").orElseThrow()).isEqualTo(new Ownership.Owned("billing",
        List.of("mobile-app", "reporting"), null));
    assertThat(o.get("public.orders.is_verified").orElseThrow()).isEqualTo(new Ownership.Owned("growth", List.of(),
        new Ownership.Deprecation(LocalDate.of(2999, 12, 31), "use email_verified_at", "email_verified_at")));
    assertThat(o.consumers("public.orders", "amount")).containsExactly("finance-export", "mobile-app", "reporting");
    assertThat(o.get("public.notes").orElseThrow().consumers()).containsExactly("support");

    assertThatThrownBy(() -> Ownership.of(Desired.sql("bad.sql", "CREATE TABLE t (\n  a int -- lockplane: ownr=x\n);")))
        .isInstanceOf(LockplaneException.class).hasMessageContaining("bad.sql line 2: unknown key 'ownr'")
        .extracting(e -> ((LockplaneException) e).code()).isEqualTo(ErrorCode.INVALID_INPUT);
    assertThatThrownBy(() -> Ownership.of(Desired.sql("orphan.sql",
        "CREATE TABLE t (a int);\n-- lockplane: owner=x\nCREATE INDEX ON t (a);")))
        .hasMessageContaining("orphan.sql line 2: a '-- lockplane:' comment belongs to a CREATE TABLE line");
    assertThatThrownBy(() -> Ownership.of(Desired.sql("date.sql",
        "-- lockplane: on=t.a, removeAfter=soon\nCREATE TABLE t (a int);")))
        .hasMessageContaining("date.sql line 1: removeAfter 'soon' is not a date");
  }

  @Test
  void breakingStepsListTheirConsumersAndAnEarlyDropOfADeprecatedColumnIsAFinding() {
    Plan plan = planner.plan(pg.dataSource(db.name()), Desired.sql("schema.sql", DESIRED));
    Map<String, List<StepFinding>> findings = new java.util.TreeMap<>();
    for (Step s : plan.steps()) {
      findings.put(s.description(), s.risk().findings().stream()
          .filter(f -> f.ruleId().equals(Ownership.BREAKS_CONSUMERS) || f.ruleId().equals(Ownership.DROP_BEFORE_DATE))
          .toList());
    }
    assertThat(findings).as("the plan's steps").containsKey("Drop column legacy_code from public.orders");
    assertThat(findings.get("Drop column legacy_code from public.orders")).singleElement()
        .satisfies(f -> assertThat(f.message()).isEqualTo(
            "Drops column public.orders.legacy_code, which mobile-app, reporting read (owner: billing)."));
    assertThat(findings.get("Drop column is_verified from public.orders")).extracting(StepFinding::ruleId)
        .containsExactly(Ownership.BREAKS_CONSUMERS, Ownership.DROP_BEFORE_DATE);
    StepFinding early = findings.get("Drop column is_verified from public.orders").get(1);
    assertThat(early.risk()).isEqualTo(RiskClass.DANGEROUS);
    assertThat(early.message()).contains("deprecated until 2999-12-31 (use email_verified_at)");
    assertThat(findings.get("Drop column is_verified from public.orders").get(0).message())
        .endsWith("which mobile-app, reporting read (owner: growth).");
    assertThat(early.saferAlternative()).contains("until then clients move to email_verified_at");
    assertThat(findings.entrySet()).filteredOn(e -> e.getKey().startsWith("Alter column amount")).singleElement()
        .satisfies(e -> assertThat(e.getValue()).singleElement().satisfies(f -> assertThat(f.message()).isEqualTo(
            "Changes the type of column public.orders.amount, which finance-export, mobile-app, reporting read "
                + "(owner: billing).")));
    assertThat(findings.get("Add column email_verified_at to public.orders")).isEmpty();
    assertThat(PlanReport.render(plan, ReportFormat.MARKDOWN)).contains("`deprecated-dropped-early`");
    // The findings change no SQL: the digest still matches the steps.
    assertThat(plan.digest()).isEqualTo(plan.computeDigest());
    // A planner told to ignore a rule leaves its findings out, and nothing else.
    Plan quiet = Lockplane.planner().scratchServer(pg).ignoreRules(List.of(Ownership.BREAKS_CONSUMERS)).build()
        .plan(pg.dataSource(db.name()), Desired.sql("schema.sql", DESIRED));
    assertThat(quiet.steps().stream().flatMap(s -> s.risk().findings().stream()).map(StepFinding::ruleId))
        .contains(Ownership.DROP_BEFORE_DATE).doesNotContain(Ownership.BREAKS_CONSUMERS);
    assertThat(quiet.digest()).isEqualTo(plan.digest());
    assertThat(Planner.ruleIds()).contains(Ownership.BREAKS_CONSUMERS, Ownership.DROP_BEFORE_DATE,
        "add-column-volatile-default");
    assertThatThrownBy(() -> Lockplane.planner().ignoreRules(List.of("drop-colum")))
        .hasMessageContaining("'drop-colum' is not a plan rule");
    assertThatThrownBy(() -> Lockplane.planner().ignoreRules(List.of()).ignoreRules(List.of()))
        .hasMessageContaining("ignoreRules is already set");
    // After the date, dropping it is not early any more.
    Plan later = Ownership.of(Desired.sql("schema.sql", DESIRED)).review(
        planner.plan(pg.dataSource(db.name()), Desired.sql("plain.sql", DESIRED.replaceAll("--.*", ""))),
        LocalDate.of(3000, 1, 1));
    assertThat(later.steps().stream().flatMap(s -> s.risk().findings().stream()).map(StepFinding::ruleId))
        .contains(Ownership.BREAKS_CONSUMERS).doesNotContain(Ownership.DROP_BEFORE_DATE);
  }

  @Test
  void theJsonDocumentCarriesTheSameDeclarationsAndLiveColumnsPastTheirDateAreReported() throws Exception {
    DatabaseSchema live = planner.introspect(pg.dataSource(db.name()));
    ObjectMapper mapper = new ObjectMapper();
    ObjectNode doc = (ObjectNode) mapper.readTree(Planner.toJson(live));
    doc.set("ownership", mapper.readTree("""
        {"public.orders": {"owner": "billing", "consumers": ["reporting"]},
         "public.orders.legacy_code": {"deprecated": {"removeAfter": "2000-01-31", "replacement": "notes"}}}
        """));
    Desired json = Desired.json("schema.json", mapper.writeValueAsString(doc));
    Ownership o = Ownership.of(json);
    assertThat(o.consumers("public.orders", "legacy_code")).containsExactly("reporting");
    assertThat(planner.load(json, live.dialect(), 18).tables()).hasSize(2);
    assertThat(o.pastRemoval(live, LocalDate.of(2026, 1, 1))).containsExactly(
        "public.orders.legacy_code: deprecated, past its removal date 2000-01-31; replace it with notes");
    assertThat(o.pastRemoval(live, LocalDate.of(2000, 1, 31))).isEmpty();

    doc.set("ownership", mapper.readTree("{\"public.orders\": {\"owners\": \"x\"}}"));
    assertThatThrownBy(() -> Ownership.of(Desired.json("bad.json", mapper.writeValueAsString(doc))))
        .hasMessageContaining("bad.json: $.ownership.public.orders.owners: unknown property");
  }
}
