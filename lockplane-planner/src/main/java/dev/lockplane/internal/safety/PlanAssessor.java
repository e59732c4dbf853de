package dev.lockplane.internal.safety;

import dev.lockplane.ErrorCode;
import dev.lockplane.LockplaneException;
import dev.lockplane.internal.planner.Operation.AddColumn;
import dev.lockplane.internal.planner.Operation.AddConstraint;
import dev.lockplane.internal.planner.Operation.ValidateConstraint;
import dev.lockplane.internal.planner.Operation.AddEnumValue;
import dev.lockplane.internal.planner.Operation.AlterColumn;
import dev.lockplane.internal.planner.Operation.CreateIndex;
import dev.lockplane.internal.planner.Operation.CreatePolicy;
import dev.lockplane.internal.planner.Operation.CreateTrigger;
import dev.lockplane.internal.planner.Operation.DropColumn;
import dev.lockplane.internal.planner.Operation.DropIndex;
import dev.lockplane.internal.planner.Operation.DropTable;
import dev.lockplane.internal.planner.Operation.RecreateEnum;
import dev.lockplane.internal.planner.Operation.AlterComposite;
import dev.lockplane.internal.planner.Operation.AlterDomain;
import dev.lockplane.internal.planner.Operation.RetypeDomain;
import dev.lockplane.internal.planner.TypeUses;
import dev.lockplane.internal.planner.Operation.RenameColumn;
import dev.lockplane.internal.planner.Operation.RenameTable;
import dev.lockplane.internal.planner.Operation.SetRowSecurity;
import dev.lockplane.internal.planner.Operation;
import dev.lockplane.internal.safety.CatalogProbe.Answer;
import dev.lockplane.internal.sql.Identifiers;
import dev.lockplane.plan.LockMode;
import dev.lockplane.plan.RiskClass;
import dev.lockplane.plan.Step;
import dev.lockplane.plan.StepFinding;
import dev.lockplane.plan.StepLock;
import dev.lockplane.plan.StepRisk;
import dev.lockplane.plan.TableEffect;
import dev.lockplane.safety.Assessment;
import dev.lockplane.safety.CatalogueEntry;
import dev.lockplane.safety.DdlKind;
import dev.lockplane.safety.Finding;
import dev.lockplane.safety.LockCatalogue;
import dev.lockplane.safety.RelationLock;
import dev.lockplane.safety.SafeRewrites;
import dev.lockplane.safety.SafetyLevel;
import dev.lockplane.safety.SqlStep;
import dev.lockplane.safety.TableStatistics;
import dev.lockplane.schema.Column;
import dev.lockplane.schema.Constraint;
import dev.lockplane.schema.DatabaseSchema;
import dev.lockplane.schema.Table;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Gives each forward step of a PostgreSQL plan its risk report: maps the step's typed operation to
 * catalogue kinds (asking the target's catalog the questions the model cannot answer), reads the
 * touched table's statistics, substitutes the safe form under {@link SafetyLevel#STRICT}, and
 * collects the steps the level refuses. One instance per plan; not thread-safe.
 */
public final class PlanAssessor {
  private static final System.Logger LOG = System.getLogger("dev.lockplane.safety");

  /** The rule id of a column type change between types without a cast. */
  public static final String NO_CAST = "alter-column-type-no-cast";

  private final LockCatalogue catalogue;
  private final SafetyLevel level;
  private final Connection target;
  private final CatalogProbe probe;
  private final DatabaseSchema current;
  private final DatabaseSchema desired;
  private final Map<String, TableStatistics> statistics = new HashMap<>();
  private final List<String> refusals = new ArrayList<>();
  private final boolean judge;
  private int stepNumber;
  /** Findings of the step being mapped that no catalogue kind stands for (a type change without a cast). */
  private final List<StepFinding> extraFindings = new ArrayList<>();

  /**
   * @param catalogue the catalogue of the target's version
   * @param level the safety level
   * @param target a connection to the target for statistics and catalog probes; null for a model-only plan
   * @param current the target's schema
   * @param desired the desired schema (with rename hints)
   */
  public PlanAssessor(LockCatalogue catalogue, SafetyLevel level, Connection target, DatabaseSchema current,
      DatabaseSchema desired) {
    this(catalogue, level, target, current, desired, true);
  }

  /**
   * @param judge false for a plan's rollback steps: they get their report and, under strict, their
   *     safe forms, but are never refused or warned about (undoing an added column drops it)
   */
  public PlanAssessor(LockCatalogue catalogue, SafetyLevel level, Connection target, DatabaseSchema current,
      DatabaseSchema desired, boolean judge) {
    this.judge = judge;
    this.catalogue = Objects.requireNonNull(catalogue, "catalogue");
    this.level = Objects.requireNonNull(level, "level");
    this.target = target;
    this.probe = target == null ? null : new CatalogProbe(target);
    this.current = current;
    this.desired = desired;
  }

  /** The kinds of one step and, under strict, its safe form. */
  private record Mapped(List<DdlKind> kinds, List<String> sql, boolean transactional, String rewrittenFrom,
      Table table, String referenced) {
    static Mapped of(Step s, Table table, DdlKind... kinds) {
      return new Mapped(List.of(kinds), s.sql(), s.transactional(), "", table, null);
    }
  }

  /** Returns the step with its risk report, possibly replaced by its safe form. */
  public Step assess(Operation op, Step step) {
    stepNumber++;
    extraFindings.clear();
    Mapped m = map(op, step);
    TableStatistics stats = m.table == null ? null : statistics(m.table);
    List<StepFinding> findings = new ArrayList<>();
    RiskClass risk = RiskClass.SAFE;
    LockMode strongest = null;
    TableEffect effect = TableEffect.NONE;
    CatalogueEntry estimated = null;
    List<StepLock> locks = new ArrayList<>();
    for (DdlKind kind : m.kinds) {
      if (!catalogue.supports(kind)) {
        continue;
      }
      Assessment a = Assessment.of(catalogue, kind, stats, level);
      CatalogueEntry e = a.entry();
      risk = max(risk, e.risk());
      strongest = strongest == null ? e.strongestLock() : LockMode.max(strongest, e.strongestLock());
      if (e.effect().ordinal() > effect.ordinal()) {
        effect = e.effect();
        estimated = e;
      }
      for (RelationLock l : e.locks()) {
        StepLock line = new StepLock(l.mode(), relation(l.role(), m));
        if (!locks.contains(line)) {
          locks.add(line);
        }
      }
      for (Finding f : a.findings()) {
        findings.add(new StepFinding(f.ruleId(), f.risk(), f.message(), f.saferAlternative()));
      }
      if (!judge) {
        continue;
      }
      boolean refused = !a.allowed() || (level == SafetyLevel.STRICT && e.risk() == RiskClass.LOSSY);
      if (refused) {
        refusals.add("step " + stepNumber + " (" + step.description() + ") [" + e.ruleId() + ", "
            + e.risk().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-') + "]: " + e.message()
            + (e.saferAlternative().isEmpty() ? "" : " Way out: " + e.saferAlternative()));
      } else if (level == SafetyLevel.MODERATE && e.risk() != RiskClass.SAFE) {
        LOG.log(System.Logger.Level.WARNING, "step {0} ({1}) [{2}]: {3}", stepNumber, step.description(),
            e.ruleId(), e.message());
      }
    }
    for (StepFinding f : extraFindings) {
      findings.add(f);
      risk = max(risk, f.risk());
      if (judge && level == SafetyLevel.STRICT) {
        refusals.add("step " + stepNumber + " (" + step.description() + ") [" + f.ruleId() + "]: " + f.message()
            + " Way out: " + f.saferAlternative());
      }
    }
    String estimate = stats != null && estimated != null ? stats.describe(estimated) : "";
    StepRisk r = new StepRisk(m.kinds.stream().map(Enum::name).toList(), risk, strongest, locks, effect, estimate,
        findings, m.rewrittenFrom);
    return step.withRisk(m.sql, m.transactional, r);
  }

  /** The refused steps so far; empty when the plan may run at this level. */
  public List<String> refusals() {
    return List.copyOf(refusals);
  }

  /** Throws when a step was refused. */
  public void checkAllowed() {
    if (!refusals.isEmpty()) {
      throw new LockplaneException(ErrorCode.UNSAFE_CHANGE, "Safety level STRICT refuses "
          + (refusals.size() == 1 ? "a step" : refusals.size() + " steps") + " of this plan:\n  - "
          + String.join("\n  - ", refusals)
          + "\nChange the desired schema in phases as suggested, or plan with Lockplane.planner().safety("
          + "SafetyLevel.MODERATE) to accept the risk knowingly.");
    }
  }

  private static RiskClass max(RiskClass a, RiskClass b) {
    return a.ordinal() >= b.ordinal() ? a : b;
  }

  private String relation(String role, Mapped m) {
    if (role.equals("table") && m.table != null) {
      return m.table.qualifiedName();
    }
    if (role.equals("referenced") && m.referenced != null) {
      return m.referenced;
    }
    return role;
  }

  private boolean isNew(Table t) {
    if (current == null || current.table(t.schema(), t.name()).isPresent()) {
      return false;
    }
    Table d = desired == null ? null : desired.table(t.schema(), t.name()).orElse(null);
    return d == null || d.renamedFrom() == null || current.table(t.schema(), d.renamedFrom()).isEmpty();
  }

  private boolean isNewRelation(String schema, String relation) {
    return current != null && current.table(schema, relation).isEmpty()
        && current.views().stream().noneMatch(v -> v.schema().equals(schema) && v.name().equals(relation))
        && (desired == null || desired.table(schema, relation).map(this::isNew).orElse(true));
  }

  private Mapped map(Operation op, Step s) {
    if (op instanceof AddColumn o) {
      return isNew(o.table()) ? Mapped.of(s, null) : Mapped.of(s, o.table(), addColumnKind(o.table(), o.column()));
    }
    if (op instanceof DropColumn o) {
      return Mapped.of(s, o.table(), DdlKind.DROP_COLUMN);
    }
    if (op instanceof DropTable o) {
      return Mapped.of(s, o.table(), DdlKind.DROP_TABLE);
    }
    if (op instanceof RenameTable o) {
      return Mapped.of(s, o.table(), DdlKind.RENAME_TABLE);
    }
    if (op instanceof RenameColumn o) {
      return Mapped.of(s, o.table(), DdlKind.RENAME_COLUMN);
    }
    if (op instanceof AlterColumn o) {
      return isNew(o.table()) ? Mapped.of(s, null) : alterColumn(o, s);
    }
    if (op instanceof AddConstraint o) {
      return isNew(o.table()) && !(o.constraint() instanceof Constraint.ForeignKey f && !isNewQualified(f))
          ? Mapped.of(s, null) : addConstraint(o, s);
    }
    if (op instanceof ValidateConstraint o) {
      return Mapped.of(s, o.table(),
          o.constraint() instanceof Constraint.ForeignKey ? DdlKind.VALIDATE_FOREIGN_KEY : DdlKind.VALIDATE_CHECK);
    }
    if (op instanceof CreateIndex o) {
      if (isNewRelation(o.schema(), o.relation())) {
        return Mapped.of(s, null);
      }
      Table t = tableOf(o.schema(), o.relation());
      if (rewritable(t) && s.sql().size() == 1) {
        String sql = s.sql().get(0);
        String head = o.index().unique() ? "CREATE UNIQUE INDEX " : "CREATE INDEX ";
        if (sql.startsWith(head)) {
          return new Mapped(List.of(DdlKind.CREATE_INDEX_CONCURRENTLY),
              List.of(head + "CONCURRENTLY " + sql.substring(head.length())), false, "create-index", t, null);
        }
      }
      return Mapped.of(s, t, DdlKind.CREATE_INDEX);
    }
    if (op instanceof DropIndex o) {
      Table t = tableOf(o.schema(), o.relation());
      if (rewritable(t) && s.sql().size() == 1 && s.sql().get(0).startsWith("DROP INDEX ")) {
        return new Mapped(List.of(DdlKind.DROP_INDEX_CONCURRENTLY),
            List.of("DROP INDEX CONCURRENTLY " + s.sql().get(0).substring("DROP INDEX ".length())), false,
            "drop-index", t, null);
      }
      return Mapped.of(s, t, DdlKind.DROP_INDEX);
    }
    if (op instanceof AddEnumValue) {
      return Mapped.of(s, null, DdlKind.ADD_ENUM_VALUE);
    }
    if (op instanceof RecreateEnum o) {
      Table t = o.uses().isEmpty() ? null : o.uses().get(0).table();
      return Mapped.of(s, t, DdlKind.REMOVE_ENUM_VALUE);
    }
    if (op instanceof AlterDomain o) {
      return alterDomain(o, s);
    }
    if (op instanceof RetypeDomain o) {
      // every using column is converted to the new domain: a rewrite of its table
      return Mapped.of(s, o.uses().get(0).table(), DdlKind.ALTER_COLUMN_TYPE_REWRITE);
    }
    if (op instanceof AlterComposite o && o.retyped() && !o.uses().isEmpty()) {
      return Mapped.of(s, o.uses().get(0).table(), DdlKind.ALTER_COLUMN_TYPE_REWRITE);
    }
    if (op instanceof CreateTrigger o) {
      return isNew(o.table()) ? Mapped.of(s, null) : Mapped.of(s, o.table(), DdlKind.CREATE_TRIGGER);
    }
    if (op instanceof SetRowSecurity o) {
      return isNew(o.table()) || !o.table().rowSecurity() ? Mapped.of(s, null)
          : Mapped.of(s, o.table(), DdlKind.ENABLE_ROW_LEVEL_SECURITY);
    }
    if (op instanceof CreatePolicy o) {
      return isNew(o.table()) ? Mapped.of(s, null) : Mapped.of(s, o.table(), DdlKind.CREATE_POLICY);
    }
    // Creations of new objects, drops of objects without data, comments: catalog-only changes.
    return Mapped.of(s, null);
  }

  /**
   * A domain's new constraint (and SET NOT NULL) is checked against every column that uses the
   * domain, each table scanned under SHARE; an unused domain changes in the catalog only. No safe
   * form: the domain's VALIDATE CONSTRAINT takes the same SHARE lock as the ADD.
   */
  private Mapped alterDomain(AlterDomain o, Step s) {
    List<dev.lockplane.internal.planner.Operation.ColumnUse> users = current == null ? List.of()
        : TypeUses.columns(current, o.from().schema(), o.from().name());
    if (users.isEmpty()) {
      return Mapped.of(s, null);
    }
    List<DdlKind> kinds = new ArrayList<>();
    Map<String, Constraint.Check> before = new HashMap<>();
    o.from().checks().forEach(c -> before.put(c.name(), c));
    for (Constraint.Check c : o.to().checks()) {
      Constraint.Check was = before.get(c.name());
      if (was == null || !was.withoutComment().equals(c.withoutComment())) {
        DdlKind k = c.notValid() ? DdlKind.ALTER_DOMAIN_ADD_CHECK_NOT_VALID : DdlKind.ALTER_DOMAIN_ADD_CHECK;
        if (!kinds.contains(k)) {
          kinds.add(k);
        }
      }
    }
    if (o.to().notNull() && !o.from().notNull()) {
      kinds.add(DdlKind.ALTER_DOMAIN_SET_NOT_NULL);
    }
    return new Mapped(kinds, s.sql(), s.transactional(), "", users.get(0).table(), null);
  }

  /**
   * Whether strict mode may use a safe form on this relation: not on a partitioned table, where
   * PostgreSQL refuses {@code CONCURRENTLY} and {@code USING INDEX}.
   */
  private boolean rewritable(Table t) {
    return level == SafetyLevel.STRICT && (t == null || t.partitionKey() == null);
  }

  private boolean isNewQualified(Constraint.ForeignKey f) {
    int dot = f.referencedTable().indexOf('.');
    return dot > 0 && isNewRelation(f.referencedTable().substring(0, dot), f.referencedTable().substring(dot + 1));
  }

  private Table tableOf(String schema, String relation) {
    return current == null ? null : current.table(schema, relation).orElse(null);
  }

  private DdlKind addColumnKind(Table t, Column c) {
    if (c.identity() != null) {
      return DdlKind.ADD_COLUMN_IDENTITY;
    }
    if (c.generated() != null) {
      return c.virtual() ? DdlKind.ADD_COLUMN_VIRTUAL_GENERATED : DdlKind.ADD_COLUMN_STORED_GENERATED;
    }
    if (c.defaultValue() != null) {
      // Without a live target the volatility cannot be asked: assume the rewrite.
      Answer a = probe == null ? Answer.UNKNOWN : probe.addColumnWithDefault(c.type(), c.collation(), c.defaultValue());
      return a == Answer.NO_REWRITE ? DdlKind.ADD_COLUMN_CONSTANT_DEFAULT : DdlKind.ADD_COLUMN_VOLATILE_DEFAULT;
    }
    if (c.notNull() && (probe == null || probe.hasRows(Identifiers.qualified(t.schema(), t.name())))) {
      return DdlKind.ADD_COLUMN_NOT_NULL_NO_DEFAULT;
    }
    return DdlKind.ADD_COLUMN_NULLABLE;
  }

  private Mapped alterColumn(AlterColumn o, Step s) {
    List<DdlKind> kinds = new ArrayList<>();
    Column from = o.from();
    Column to = o.to();
    boolean typeChanged = !from.type().equals(to.type()) || !Objects.equals(from.collation(), to.collation());
    boolean rewrites = false;
    if (typeChanged) {
      Answer a = probe == null ? Answer.UNKNOWN : probe.alterType(from.type(), from.collation(), to.type(), to.collation());
      rewrites = a != Answer.NO_REWRITE;
      if (a == Answer.NO_CAST) {
        String column = o.table().qualifiedName() + "." + to.name();
        extraFindings.add(new StepFinding(NO_CAST, RiskClass.DANGEROUS, "No cast from " + from.type() + " to "
            + to.type() + " exists on the target server: `ALTER COLUMN " + to.name() + " TYPE " + to.type()
            + " USING " + to.name() + "::" + to.type() + "` fails there (cannot cast type), so " + column
            + " cannot change type in place.", "Convert the values yourself: add a new column of type " + to.type()
            + ", fill it with an expression of the old values (UPDATE … SET new = …), then drop " + column
            + " and rename the new column (a rename hint keeps its place in the desired schema)."));
      }
      kinds.add(rewrites ? DdlKind.ALTER_COLUMN_TYPE_REWRITE
          : to.type().equals("text") ? DdlKind.ALTER_COLUMN_TYPE_VARCHAR_TO_TEXT : DdlKind.ALTER_COLUMN_TYPE_VARCHAR_WIDEN);
    }
    boolean setNotNull = to.notNull() && !from.notNull();
    if (setNotNull && !rewrites && rewritable(o.table()) && s.sql().size() == 1) {
      List<SqlStep> safe = SafeRewrites.setNotNull(o.table().schema() + "." + o.table().name(), to.name());
      kinds.addAll(List.of(DdlKind.ADD_CHECK_NOT_VALID, DdlKind.VALIDATE_CHECK, DdlKind.SET_NOT_NULL_WITH_VALID_CHECK));
      // The original statement keeps its other parts (default, identity); its SET NOT NULL is proven by the check.
      List<String> sql = List.of(safe.get(0).sql(), safe.get(1).sql(), s.sql().get(0), safe.get(3).sql());
      return new Mapped(kinds, sql, false, "set-not-null", o.table(), null);
    }
    if (setNotNull && !rewrites) {
      kinds.add(DdlKind.SET_NOT_NULL);
    }
    return new Mapped(kinds, s.sql(), s.transactional(), "", o.table(), null);
  }

  private Mapped addConstraint(AddConstraint o, Step s) {
    Constraint c = o.constraint();
    Table t = o.table();
    boolean strict = rewritable(t) && s.sql().size() == 1;
    String table = Identifiers.qualified(t.schema(), t.name());
    String name = Identifiers.quote(c.name());
    if (c instanceof Constraint.Check) {
      if (strict) {
        return new Mapped(List.of(DdlKind.ADD_CHECK_NOT_VALID, DdlKind.VALIDATE_CHECK),
            List.of(s.sql().get(0) + " NOT VALID", "ALTER TABLE " + table + " VALIDATE CONSTRAINT " + name), false,
            "add-check", t, null);
      }
      return Mapped.of(s, t, DdlKind.ADD_CHECK);
    }
    if (c instanceof Constraint.ForeignKey f) {
      if (strict) {
        return new Mapped(List.of(DdlKind.ADD_FOREIGN_KEY_NOT_VALID, DdlKind.VALIDATE_FOREIGN_KEY),
            List.of(s.sql().get(0) + " NOT VALID", "ALTER TABLE " + table + " VALIDATE CONSTRAINT " + name), false,
            "add-foreign-key", t, f.referencedTable());
      }
      return new Mapped(List.of(DdlKind.ADD_FOREIGN_KEY), s.sql(), s.transactional(), "", t, f.referencedTable());
    }
    if (c instanceof Constraint.Unique u) {
      if (strict && !u.nullsNotDistinct() && !u.deferrable()) {
        return usingIndex(t, c.name(), u.columns(), "UNIQUE", DdlKind.ADD_UNIQUE_USING_INDEX, "add-unique");
      }
      return Mapped.of(s, t, DdlKind.ADD_UNIQUE);
    }
    if (c instanceof Constraint.PrimaryKey p) {
      if (strict) {
        return usingIndex(t, c.name(), p.columns(), "PRIMARY KEY", DdlKind.ADD_PRIMARY_KEY_USING_INDEX, "add-primary-key");
      }
      return Mapped.of(s, t, DdlKind.ADD_PRIMARY_KEY);
    }
    return Mapped.of(s, t);
  }

  private Mapped usingIndex(Table t, String constraint, List<String> columns, String what, DdlKind kind, String from) {
    String name = Identifiers.quote(constraint);
    List<String> cols = columns.stream().map(Identifiers::quote).toList();
    return new Mapped(List.of(DdlKind.CREATE_INDEX_CONCURRENTLY, kind), List.of(
        "CREATE UNIQUE INDEX CONCURRENTLY " + name + " ON " + Identifiers.qualified(t.schema(), t.name()) + " (" + String.join(", ", cols) + ")",
        "ALTER TABLE " + Identifiers.qualified(t.schema(), t.name()) + " ADD CONSTRAINT " + name + " " + what + " USING INDEX " + name),
        false, from, t, null);
  }

  private TableStatistics statistics(Table t) {
    if (target == null) {
      return null;
    }
    return statistics.computeIfAbsent(t.qualifiedName(), k -> {
      try {
        TableStatistics s = TableStatistics.read(target, Identifiers.qualified(t.schema(), t.name()));
        String shown = t.schema().equals("public") ? t.name() : t.qualifiedName();
        return new TableStatistics(shown, s.rows(), s.bytes());
      } catch (LockplaneException e) {
        return null; // created or renamed earlier in the plan
      }
    });
  }

}
