package dev.lockplane.internal.planner;

import dev.lockplane.ErrorCode;
import dev.lockplane.LockplaneException;
import dev.lockplane.internal.planner.Operation.*;
import dev.lockplane.internal.sql.Identifiers;
import dev.lockplane.schema.Column;
import dev.lockplane.schema.Constraint;
import dev.lockplane.schema.DatabaseSchema;
import dev.lockplane.schema.Dialect;
import dev.lockplane.schema.EnumType;
import dev.lockplane.schema.Index;
import dev.lockplane.schema.Policy;
import dev.lockplane.schema.Routine;
import dev.lockplane.schema.Sequence;
import dev.lockplane.schema.Table;
import dev.lockplane.schema.Trigger;
import dev.lockplane.schema.View;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;

/**
 * Compares two schema models and lists the operations that turn the first into the second. The
 * list comes out in a readable default order (drops, then creates, by kind); {@link Ordering} then
 * reorders it along the real dependencies. Rename hints ({@code renamedFrom}) in the target turn a
 * drop and an add into a rename.
 */
public final class Differ {
  private final DatabaseSchema from;
  private final DatabaseSchema to;
  private final boolean sqlite;
  private final TypeShapeChanges shapes;

  // Buckets in default order; see the class comment.
  private final List<Operation> dropPolicies = new ArrayList<>();
  private final List<Operation> dropTriggers = new ArrayList<>();
  private final List<Operation> dropViews = new ArrayList<>();
  private final List<Operation> dropForeignKeys = new ArrayList<>();
  private final List<Operation> dropConstraints = new ArrayList<>();
  private final List<Operation> dropIndexes = new ArrayList<>();
  private final List<Operation> dropTables = new ArrayList<>();
  private final List<Operation> renames = new ArrayList<>();
  private final List<Operation> dropColumns = new ArrayList<>();
  private final List<Operation> dropRoutines = new ArrayList<>();
  private final List<Operation> dropSequences = new ArrayList<>();
  private final List<Operation> dropTypes = new ArrayList<>();
  private final List<Operation> dropExtensions = new ArrayList<>();
  private final List<Operation> dropSchemas = new ArrayList<>();
  private final List<Operation> createSchemas = new ArrayList<>();
  private final List<Operation> createExtensions = new ArrayList<>();
  private final List<Operation> createTypes = new ArrayList<>();
  private final List<Operation> createRoutines = new ArrayList<>();
  private final List<Operation> createSequences = new ArrayList<>();
  private final List<Operation> createTables = new ArrayList<>();
  private final List<Operation> alterColumns = new ArrayList<>();
  private final List<Operation> addConstraints = new ArrayList<>();
  private final List<Operation> validateConstraints = new ArrayList<>();
  private final List<Operation> addForeignKeys = new ArrayList<>();
  private final List<Operation> createIndexes = new ArrayList<>();
  private final List<Operation> createViews = new ArrayList<>();
  private final List<Operation> createTriggers = new ArrayList<>();
  private final List<Operation> createPolicies = new ArrayList<>();
  private final List<Operation> rowSecurity = new ArrayList<>();
  private final List<Operation> owners = new ArrayList<>();
  private final List<Operation> comments = new ArrayList<>();

  /** Relations whose columns changed shape or that were re-created: views reading them are re-created. */
  private final Set<String> reshaped = new HashSet<>();
  /** Tables the plan creates (or drops and creates again). */
  private final Set<String> createdTables = new HashSet<>();
  /** Routines dropped and re-created: triggers calling them are re-created. */
  private final Set<String> recreatedRoutines = new HashSet<>();
  /** What uses the routines dropped and re-created, by dependency key: re-created around them. */
  private RoutineDependents routineUsers;

  private Differ(DatabaseSchema from, DatabaseSchema to) {
    this.from = from;
    this.to = to;
    this.shapes = new TypeShapeChanges(from, to);
    this.sqlite = to.dialect() == Dialect.SQLITE;
  }

  public static List<Operation> diff(DatabaseSchema from, DatabaseSchema to) {
    Differ d = new Differ(from, to);
    d.run();
    List<Operation> all = new ArrayList<>();
    for (List<Operation> bucket : List.of(d.dropPolicies, d.dropTriggers, d.dropViews, d.dropForeignKeys,
        d.dropConstraints, d.dropIndexes, d.dropTables, d.renames, d.dropColumns, d.dropRoutines,
        d.dropSequences, d.dropTypes, d.dropExtensions, d.dropSchemas, d.createSchemas,
        d.createExtensions, d.createTypes, d.createRoutines, d.createSequences, d.createTables,
        d.alterColumns, d.addConstraints, d.addForeignKeys, d.validateConstraints, d.createIndexes, d.createViews,
        d.createTriggers, d.createPolicies, d.rowSecurity, d.owners, d.comments)) {
      all.addAll(bucket);
    }
    return all;
  }

  private static <T> Map<String, T> byKey(List<T> items, Function<T, String> key) {
    Map<String, T> m = new LinkedHashMap<>();
    items.forEach(i -> m.put(key.apply(i), i));
    return m;
  }

  private void run() {
    for (String s : to.schemas()) {
      if (!from.schemas().contains(s)) {
        createSchemas.add(new CreateSchema(s));
      }
    }
    for (String s : from.schemas()) {
      if (!to.schemas().contains(s)) {
        dropSchemas.add(new DropSchema(s));
      }
    }
    var oldExt = byKey(from.extensions(), e -> e.name());
    var newExt = byKey(to.extensions(), e -> e.name());
    newExt.forEach((k, e) -> {
      if (!e.equals(oldExt.get(k))) {
        if (oldExt.containsKey(k)) {
          dropExtensions.add(new DropExtension(oldExt.get(k)));
        }
        createExtensions.add(new CreateExtension(e));
      }
    });
    oldExt.forEach((k, e) -> {
      if (!newExt.containsKey(k)) {
        dropExtensions.add(new DropExtension(e));
      }
    });
    enums();
    simpleTypes();
    sequences();
    routines();
    // Only functions that exist again afterwards: what used a function that goes for good moves off
    // it by its own change, without a moment lacking, say, a default.
    Set<String> again = new HashSet<>(recreatedRoutines);
    again.retainAll(to.routines().stream().map(r -> r.schema() + "." + r.name())
        .collect(java.util.stream.Collectors.toSet()));
    routineUsers = RoutineDependents.of(from.dependencies(), again);
    DomainsOnRecreated.split(from, to, routineUsers, again, dropConstraints, dropTypes, createTypes);
    tables();
    if (!sqlite) {
      ReplacedKeys.foreignKeys(from, to, dropConstraints, dropIndexes, dropForeignKeys, addForeignKeys);
      ReplacedKeys.retypedForeignKeys(from, to, dropForeignKeys, addForeignKeys);
    }
    views();
  }

  private void enums() {
    var old = byKey(from.enums(), e -> e.schema() + "." + e.name());
    var neu = byKey(to.enums(), e -> e.schema() + "." + e.name());
    neu.forEach((k, n) -> {
      EnumType o = old.get(k);
      if (o == null) {
        createTypes.add(new CreateEnum(n));
      } else if (!o.labels().equals(n.labels())) {
        if (isOrderedSubset(o.labels(), n.labels())) {
          addEnumValues(n, o.labels());
        } else {
          List<ColumnUse> uses = enumUses(o);
          if (uses.isEmpty()) {
            dropTypes.add(new DropEnum(o));
            createTypes.add(new CreateEnum(n));
          } else {
            createTypes.add(new RecreateEnum(o, n, uses));
            uses.forEach(u -> reshaped.add(u.table().qualifiedName()));
          }
        }
      }
      if (o == null ? n.comment() != null : !Objects.equals(o.comment(), n.comment())) {
        comments.add(new SetComment("TYPE", Identifiers.qualified(n.schema(), n.name()), "type:" + k, n.comment()));
      }
    });
    old.forEach((k, o) -> {
      if (!neu.containsKey(k)) {
        dropTypes.add(new DropEnum(o));
      }
    });
  }

  /** Columns that use an enum now and still use it in the target, in tables that stay. */
  private List<ColumnUse> enumUses(EnumType e) {
    String key = "type:" + e.schema() + "." + e.name();
    List<ColumnUse> uses = new ArrayList<>();
    for (Table t : from.tables()) {
      var target = to.table(t.schema(), t.name());
      for (Column c : t.columns()) {
        if (OperationInfo.typeKey(c.type()).equals(key) && target.isPresent()) {
          target.get().columns().stream().filter(x -> x.name().equals(c.name()) && x.type().equals(c.type()))
              .findFirst().ifPresent(x -> uses.add(new ColumnUse(t, x)));
        }
      }
    }
    return uses;
  }

  private static boolean isOrderedSubset(List<String> small, List<String> big) {
    int i = 0;
    for (String s : big) {
      if (i < small.size() && small.get(i).equals(s)) {
        i++;
      }
    }
    return i == small.size();
  }

  private void addEnumValues(EnumType n, List<String> existing) {
    List<String> labels = n.labels();
    for (int i = 0; i < labels.size(); i++) {
      String l = labels.get(i);
      if (existing.contains(l)) {
        continue;
      }
      // Anchor on the next label that already exists, else append after the last one.
      String next = null;
      for (int j = i + 1; j < labels.size() && next == null; j++) {
        if (existing.contains(labels.get(j))) {
          next = labels.get(j);
        }
      }
      createTypes.add(new AddEnumValue(n, l, next, false));
    }
  }

  private void simpleTypes() {
    var oldD = byKey(from.domains(), d -> d.schema() + "." + d.name());
    var newD = byKey(to.domains(), d -> d.schema() + "." + d.name());
    newD.forEach((k, n) -> {
      var o = oldD.get(k);
      if (o != null && !checksWithoutComments(o).equals(checksWithoutComments(n)) && o.baseType().equals(n.baseType())
          && Objects.equals(o.collation(), n.collation())) {
        createTypes.add(new AlterDomain(o, n));
      } else if (o != null && (!o.baseType().equals(n.baseType()) || !Objects.equals(o.collation(), n.collation()))) {
        shapes.domain(o, n, dropTypes, createTypes, reshaped);
      } else if (o == null || !withoutComment(o).equals(withoutComment(n))) {
        if (o != null) {
          dropTypes.add(new DropDomain(o));
        }
        createTypes.add(new CreateDomain(n));
      }
      if (o == null ? n.comment() != null : !Objects.equals(o.comment(), n.comment())) {
        comments.add(new SetComment("DOMAIN", Identifiers.qualified(n.schema(), n.name()), "type:" + k, n.comment()));
      }
    });
    oldD.forEach((k, o) -> {
      if (!newD.containsKey(k)) {
        dropTypes.add(new DropDomain(o));
      }
    });
    var oldC = byKey(from.compositeTypes(), d -> d.schema() + "." + d.name());
    var newC = byKey(to.compositeTypes(), d -> d.schema() + "." + d.name());
    newC.forEach((k, hinted) -> {
      var o = oldC.get(k);
      var n = hinted.withoutRenameHints();
      if (o == null) {
        createTypes.add(new CreateComposite(n));
      } else if (!o.attributes().equals(n.attributes())) {
        var renames = CompositeRenames.of(o, hinted);
        shapes.composite(CompositeRenames.applied(o, renames), n, renames, dropTypes, createTypes, reshaped);
      }
      if (o == null ? n.comment() != null : !Objects.equals(o.comment(), n.comment())) {
        comments.add(new SetComment("TYPE", Identifiers.qualified(n.schema(), n.name()), "type:" + k, n.comment()));
      }
    });
    oldC.forEach((k, o) -> {
      if (!newC.containsKey(k)) {
        dropTypes.add(new DropComposite(o));
      }
    });
  }

  /** A domain as ALTER DOMAIN changes it: comments (its own and its checks') are not part of it. */
  private static dev.lockplane.schema.Domain checksWithoutComments(dev.lockplane.schema.Domain d) {
    return new dev.lockplane.schema.Domain(d.schema(), d.name(), d.baseType(), d.notNull(), d.defaultValue(),
        d.collation(), d.checks().stream().map(Constraint.Check::withoutComment).toList(), null);
  }

  private static dev.lockplane.schema.Domain withoutComment(dev.lockplane.schema.Domain d) {
    return new dev.lockplane.schema.Domain(d.schema(), d.name(), d.baseType(), d.notNull(), d.defaultValue(),
        d.collation(), d.checks(), null);
  }

  private void sequences() {
    var old = byKey(from.sequences(), s -> s.schema() + "." + s.name());
    var neu = byKey(to.sequences(), s -> s.schema() + "." + s.name());
    neu.forEach((k, n) -> {
      Sequence o = old.get(k);
      if (o == null) {
        createSequences.add(new CreateSequence(n));
        if (n.ownedBy() != null) {
          owners.add(new SetSequenceOwner(n));
        }
      } else {
        if (!options(o).equals(options(n))) {
          createSequences.add(new AlterSequence(o, n));
        }
        if (!Objects.equals(o.ownedBy(), n.ownedBy())) {
          owners.add(new SetSequenceOwner(n));
        }
      }
      if (o == null ? n.comment() != null : !Objects.equals(o.comment(), n.comment())) {
        comments.add(new SetComment("SEQUENCE", Identifiers.qualified(n.schema(), n.name()), "seq:" + k, n.comment()));
      }
    });
    old.forEach((k, o) -> {
      if (!neu.containsKey(k)) {
        dropSequences.add(new DropSequence(o));
      }
    });
  }

  private static List<Object> options(Sequence s) {
    return List.of(s.type(), s.start(), s.increment(), s.minValue(), s.maxValue(), s.cache(), s.cycle());
  }

  private void routines() {
    var old = byKey(from.routines(), Routine::signature);
    var neu = byKey(to.routines(), Routine::signature);
    neu.forEach((k, n) -> {
      Routine o = old.get(k);
      if (o == null) {
        createRoutines.add(new CreateRoutine(n, null));
      } else if (!o.definition().equals(n.definition())) {
        if (RoutineDependents.replaceable(o, n)) {
          createRoutines.add(new CreateRoutine(n, o));
        } else {
          dropRoutines.add(new DropRoutine(o));
          createRoutines.add(new CreateRoutine(n, null));
          recreatedRoutines.add(n.schema() + "." + n.name());
        }
      }
      if (o == null ? n.comment() != null : !Objects.equals(o.comment(), n.comment())) {
        comments.add(new SetComment(n.kind().name(), Identifiers.qualified(n.schema(), n.name()) + "(" + n.sqlArguments() + ")",
            "fn:" + n.schema() + "." + n.name(), n.comment()));
      }
    });
    old.forEach((k, o) -> {
      if (!neu.containsKey(k)) {
        dropRoutines.add(new DropRoutine(o));
        recreatedRoutines.add(o.schema() + "." + o.name());
      }
    });
  }

  private void tables() {
    var old = byKey(from.tables(), Table::qualifiedName);
    var neu = byKey(to.tables(), Table::qualifiedName);
    Set<String> matchedOld = new HashSet<>();
    Map<String, Table> original = new HashMap<>();
    for (Table n : neu.values()) {
      Table o = old.get(n.qualifiedName());
      if (o == null && n.renamedFrom() != null) {
        Table candidate = old.get(n.schema() + "." + n.renamedFrom());
        if (candidate != null && !neu.containsKey(candidate.qualifiedName())) {
          renames.add(new RenameTable(candidate, n.name()));
          original.put(n.qualifiedName(), candidate);
          matchedOld.add(candidate.qualifiedName());
          o = new Table(candidate.schema(), n.name(), candidate.columns(), candidate.constraints(),
              candidate.indexes(), candidate.triggers(), candidate.policies(), candidate.rowSecurity(),
              candidate.forceRowSecurity(), candidate.partitionKey(), candidate.partitionOf(),
              candidate.partitionBound(), candidate.comment(), null, candidate.unlogged(),
              candidate.storageParameters(), candidate.partitionColumns());
        }
      } else if (o != null) {
        matchedOld.add(o.qualifiedName());
      }
      if (o != null && (!Objects.equals(o.partitionKey(), n.partitionKey())
          || !Objects.equals(o.partitionOf(), n.partitionOf())
          || !Objects.equals(o.partitionBound(), n.partitionBound()))) {
        dropTables.add(new DropTable(o));
        reshaped.add(o.qualifiedName());
        o = null;
      }
      if (o == null) {
        createTable(n);
      } else {
        alterTable(original.getOrDefault(o.qualifiedName(), o), o, n);
      }
    }
    for (Table o : old.values()) {
      if (!matchedOld.contains(o.qualifiedName())) {
        // Foreign keys to other tables go first, so that tables referencing each other can be dropped.
        for (Constraint c : o.constraints()) {
          if (c instanceof Constraint.ForeignKey f && !f.referencedTable().equals(o.qualifiedName()) && !sqlite) {
            dropForeignKeys.add(new DropConstraint(o, c));
          }
        }
        dropTables.add(new DropTable(o));
        reshaped.add(o.qualifiedName());
      }
    }
    if (!sqlite) {
      alterColumns.addAll(PartitionColumnDiff.diff(from, to, createdTables));
    }
  }

  private void createTable(Table n) {
    createTables.add(new CreateTable(n));
    createdTables.add(n.qualifiedName());
    if (n.comment() != null) {
      comments.add(new SetComment("TABLE", Identifiers.qualified(n.schema(), n.name()), "rel:" + n.qualifiedName(), n.comment()));
    }
    for (Column c : n.columns()) {
      if (c.comment() != null) {
        comments.add(columnComment(n, c));
      }
    }
    if (sqlite) {
      // SQLite tables carry their constraints in CREATE TABLE; only indexes and triggers stand alone.
      n.indexes().forEach(i -> createIndex(n.schema(), n.name(), i));
      n.triggers().forEach(t -> createTriggers.add(new CreateTrigger(n, t)));
      return;
    }
    n.constraints().forEach(c -> addConstraint(n, c));
    n.indexes().forEach(i -> createIndex(n.schema(), n.name(), i));
    n.triggers().forEach(t -> createTrigger(n, t));
    n.policies().forEach(p -> createPolicies.add(new CreatePolicy(n, p)));
    if (n.rowSecurity() || n.forceRowSecurity()) {
      rowSecurity.add(new SetRowSecurity(n));
    }
  }

  private SetComment columnComment(Table t, Column c) {
    return new SetComment("COLUMN", Identifiers.qualified(t.schema(), t.name()) + "." + Identifiers.quote(c.name()),
        "rel:" + t.qualifiedName(), c.comment());
  }

  /** The constraint as it is once validated. */
  private static Constraint validated(Constraint c) {
    if (c instanceof Constraint.Check k && k.notValid()) {
      return new Constraint.Check(k.name(), k.expression(), k.noInherit(), false, k.comment());
    }
    if (c instanceof Constraint.ForeignKey f && f.notValid()) {
      return new Constraint.ForeignKey(f.name(), f.columns(), f.referencedTable(), f.referencedColumns(), f.onUpdate(),
          f.onDelete(), f.match(), f.deferrable(), f.initiallyDeferred(), false, f.comment());
    }
    return c;
  }

  private void addConstraint(Table t, Constraint c) {
    (c instanceof Constraint.ForeignKey ? addForeignKeys : addConstraints).add(new AddConstraint(t, c));
    if (c.comment() != null) {
      comments.add(constraintComment(t, c));
    }
  }

  private static SetComment constraintComment(Table t, Constraint c) {
    return new SetComment("CONSTRAINT", Identifiers.quote(c.name()) + " ON " + Identifiers.qualified(t.schema(), t.name()),
        "con:" + t.qualifiedName() + "." + c.name(), c.comment());
  }

  private void dropConstraint(Table t, Constraint c) {
    (c instanceof Constraint.ForeignKey ? dropForeignKeys : dropConstraints).add(new DropConstraint(t, c));
  }

  private void createIndex(String schema, String relation, Index i) {
    createIndexes.add(new CreateIndex(schema, relation, i));
    if (i.comment() != null) {
      comments.add(new SetComment("INDEX", Identifiers.qualified(schema, i.name()), "idx:" + schema + "." + i.name(), i.comment()));
    }
  }

  private void createTrigger(Table t, Trigger tr) {
    createTriggers.add(new CreateTrigger(t, tr));
    if (tr.comment() != null) {
      comments.add(triggerComment(t, tr));
    }
  }

  private static SetComment triggerComment(Table t, Trigger tr) {
    return new SetComment("TRIGGER", Identifiers.quote(tr.name()) + " ON " + Identifiers.qualified(t.schema(), t.name()),
        "trg:" + t.qualifiedName() + "." + tr.name(), tr.comment());
  }

  private void alterTable(Table before, Table o, Table n) {
    if (sqlite) {
      SqliteTableDiff.diff(o, n, this::sqliteRebuild, alterColumns, dropColumns, renames);
    } else {
      alterColumns(before, o, n);
    }
    var oldCons = byKey(o.constraints(), Constraint::name);
    var newCons = byKey(n.constraints(), Constraint::name);
    if (!sqlite) {
      newCons.forEach((k, c) -> {
        Constraint oc = oldCons.get(k);
        if (oc != null && !c.withoutComment().equals(oc.withoutComment())
            && validated(oc).withoutComment().equals(c.withoutComment())) {
          // NOT VALID in the database, valid in the desired state: validate in place instead of
          // dropping and re-adding it under a lock that blocks writes for the whole scan
          validateConstraints.add(new ValidateConstraint(n, c));
          if (!Objects.equals(oc.comment(), c.comment())) {
            comments.add(constraintComment(n, c));
          }
        } else if (oc == null || !c.withoutComment().equals(oc.withoutComment())
            || routineUsers.contains("con:" + before.qualifiedName() + "." + k)) {
          if (oc != null) {
            dropConstraint(before, oc);
          }
          addConstraint(n, c);
        } else if (!Objects.equals(oc.comment(), c.comment())) {
          comments.add(constraintComment(n, c));
        }
      });
      oldCons.forEach((k, c) -> {
        if (!newCons.containsKey(k)) {
          dropConstraint(before, c);
        }
      });
    }
    boolean rebuilt = sqlite && reshaped.contains(n.qualifiedName());
    indexes(o.schema(), n.name(), o.indexes(), n.indexes(), rebuilt);
    triggers(before, n, rebuilt ? List.of() : o.triggers(), n.triggers());
    var oldPol = byKey(o.policies(), Policy::name);
    var newPol = byKey(n.policies(), Policy::name);
    newPol.forEach((k, p) -> {
      if (!p.equals(oldPol.get(k)) || routineUsers.contains("pol:" + before.qualifiedName() + "." + k)) {
        if (oldPol.containsKey(k)) {
          dropPolicies.add(new DropPolicy(before, oldPol.get(k)));
        }
        createPolicies.add(new CreatePolicy(n, p));
      }
    });
    oldPol.forEach((k, p) -> {
      if (!newPol.containsKey(k)) {
        dropPolicies.add(new DropPolicy(before, p));
      }
    });
    if (o.rowSecurity() != n.rowSecurity() || o.forceRowSecurity() != n.forceRowSecurity()) {
      rowSecurity.add(new SetRowSecurity(n));
    }
    if (!sqlite && (o.unlogged() != n.unlogged() || !o.storageParameters().equals(n.storageParameters()))) {
      alterColumns.add(new SetTableStorage(o, n));
    }
    if (!Objects.equals(o.comment(), n.comment())) {
      comments.add(new SetComment("TABLE", Identifiers.qualified(n.schema(), n.name()), "rel:" + n.qualifiedName(), n.comment()));
    }
  }

  private void sqliteRebuild(Table o, Table n, Map<String, String> renameMap) {
    alterColumns.add(new RebuildTable(o, n, renameMap));
    reshaped.add(n.qualifiedName());
  }

  private static Trigger withoutComment(Trigger t) {
    return new Trigger(t.name(), t.function(), t.definition(), t.enabled(), null);
  }

  private void indexes(String schema, String relation, List<Index> oldList, List<Index> newList, boolean recreated) {
    var oldIdx = byKey(oldList, Index::name);
    var newIdx = byKey(newList, Index::name);
    newIdx.forEach((k, i) -> {
      Index oi = recreated ? null : oldIdx.get(k);
      if (oi == null || !withoutComment(oi).equals(withoutComment(i))
          || routineUsers.contains("idx:" + schema + "." + k)) {
        if (oi != null) {
          dropIndexes.add(new DropIndex(schema, relation, oi));
        }
        createIndex(schema, relation, i);
      } else if (!Objects.equals(oi.comment(), i.comment())) {
        comments.add(new SetComment("INDEX", Identifiers.qualified(schema, i.name()), "idx:" + schema + "." + i.name(), i.comment()));
      }
    });
    if (!recreated) {
      oldIdx.forEach((k, i) -> {
        if (!newIdx.containsKey(k)) {
          dropIndexes.add(new DropIndex(schema, relation, i));
        }
      });
    }
  }

  private static Index withoutComment(Index i) {
    return i.withoutComment();
  }

  private void alterColumns(Table before, Table o, Table n) {
    var oldCols = byKey(o.columns(), Column::name);
    var newCols = byKey(n.columns(), Column::name);
    Set<String> matched = new HashSet<>();
    for (Column c : n.columns()) {
      Column oc = oldCols.get(c.name());
      if (oc == null && c.renamedFrom() != null && oldCols.containsKey(c.renamedFrom())
          && !newCols.containsKey(c.renamedFrom())) {
        renames.add(new RenameColumn(n, c.renamedFrom(), c.name()));
        Column was = oldCols.get(c.renamedFrom());
        matched.add(was.name());
        oc = new Column(c.name(), was.type(), was.notNull(), was.defaultValue(), was.identity(), was.generated(),
            was.collation(), was.comment(), null, was.identityOptions(), was.virtual(), was.notNullName());
      } else if (oc != null) {
        matched.add(oc.name());
        oc = withoutDefaultIfItCallsRecreated(before, oc);
      }
      // neither PostgreSQL nor SQLite turns a column into a generated one, or a stored one into a
      // virtual one, in place: generated values are recomputed, so nothing is lost
      if (oc != null && (!Objects.equals(oc.generated(), c.generated()) || oc.virtual() != c.virtual())) {
        dropColumns.add(new DropColumn(o, oc));
        reshaped.add(n.qualifiedName());
        oc = null;
      }
      if (oc == null) {
        if (!sqlite && TypeShapeChanges.addTouchesRows(c)) {
          shapes.checkRowTypeUsers(o, "add column " + n.qualifiedName() + "." + c.name() + " with a default");
        }
        alterColumns.add(new AddColumn(n, c.withoutRenameHint()));
        if (c.comment() != null) {
          comments.add(columnComment(n, c));
        }
        continue;
      }
      Column target = c.withoutRenameHint();
      if (!sameDefinition(oc, target)) {
        if (!sqlite && (!oc.type().equals(target.type()) || !Objects.equals(oc.collation(), target.collation()))) {
          shapes.checkRowTypeUsers(o, "change column " + n.qualifiedName() + "." + c.name() + " (type " + oc.type()
              + " -> " + target.type() + ") in place");
        }
        alterColumns.add(new AlterColumn(n, oc, target));
        if (!oc.type().equals(target.type()) || !Objects.equals(oc.collation(), target.collation())) {
          reshaped.add(n.qualifiedName());
        }
      }
      if (!Objects.equals(oc.comment(), c.comment())) {
        comments.add(columnComment(n, c));
      }
    }
    for (Column oc : o.columns()) {
      if (!matched.contains(oc.name())) {
        dropColumns.add(new DropColumn(o, oc));
        reshaped.add(n.qualifiedName());
      }
    }
  }

  /**
   * A column whose default calls a function that is dropped and created again loses the default
   * first (a step of its own, before the function goes) and gets it back by the usual comparison.
   */
  private Column withoutDefaultIfItCallsRecreated(Table before, Column oc) {
    if (oc.defaultValue() == null && oc.generated() == null
        || !routineUsers.contains("col:" + before.qualifiedName() + "." + oc.name())) {
      return oc;
    }
    if (oc.generated() != null) {
      String key = "col:" + before.qualifiedName() + "." + oc.name();
      String functions = from.dependencies().stream()
          .filter(d -> d.object().equals(key) && d.dependsOn().startsWith("fn:")
              && recreatedRoutines.contains(d.dependsOn().substring(3)))
          .map(d -> d.dependsOn().substring(3)).distinct().sorted()
          .collect(java.util.stream.Collectors.joining(", "));
      // PostgreSQL cannot keep a generation expression while its function is away, and taking the
      // column through DROP EXPRESSION and back would rewrite the table behind the user's back.
      throw new LockplaneException(ErrorCode.UNSUPPORTED, "Cannot plan: the generated column "
          + before.qualifiedName() + "." + oc.name() + " is computed by " + functions + ", which must be dropped and "
          + "created again (its result type, a parameter name or a parameter default changes), and PostgreSQL "
          + "cannot keep the column's expression meanwhile. Split the change: first make the column a plain "
          + "column or compute it without the function, then change the function, then restore the column.");
    }
    Column bare = new Column(oc.name(), oc.type(), oc.notNull(), null, oc.identity(), oc.generated(),
        oc.collation(), oc.comment(), null, oc.identityOptions(), oc.virtual(), oc.notNullName());
    dropConstraints.add(new AlterColumn(before, oc, bare));
    return bare;
  }

  static boolean sameDefinition(Column a, Column b) {
    return a.type().equals(b.type()) && a.notNull() == b.notNull()
        && Objects.equals(a.defaultValue(), b.defaultValue()) && a.identity() == b.identity()
        && Objects.equals(a.generated(), b.generated()) && a.virtual() == b.virtual()
        && Objects.equals(a.collation(), b.collation())
        && Objects.equals(a.identityOptions(), b.identityOptions())
        && !notNullRenamed(a, b);
  }

  /**
   * Whether a column's NOT NULL constraint has another name (only when both sides name it).
   *
   * @param from the current column
   * @param to the desired column
   * @return true when the constraint is to be renamed
   */
  public static boolean notNullRenamed(Column from, Column to) {
    return from.notNull() && to.notNull() && from.notNullName() != null && to.notNullName() != null
        && !from.notNullName().equals(to.notNullName());
  }

  private void views() {
    var old = byKey(from.views(), View::qualifiedName);
    var neu = byKey(to.views(), View::qualifiedName);
    Set<String> recreate = new HashSet<>();
    neu.forEach((k, n) -> {
      View o = old.get(k);
      if (o != null && (o.materialized() != n.materialized() || !o.definition().equals(n.definition())
          || !o.dependsOn().equals(n.dependsOn()) || routineUsers.contains("rel:" + k))) {
        recreate.add(k);
      }
    });
    // A view reading a re-created or re-shaped relation is re-created too, transitively.
    boolean grew = true;
    while (grew) {
      grew = false;
      for (View o : old.values()) {
        if (!recreate.contains(o.qualifiedName()) && neu.containsKey(o.qualifiedName())
            && o.dependsOn().stream().anyMatch(d -> reshaped.contains(d) || recreate.contains(d))) {
          recreate.add(o.qualifiedName());
          grew = true;
        }
      }
    }
    neu.forEach((k, n) -> {
      View o = old.get(k);
      if (o == null || recreate.contains(k)) {
        if (o != null) {
          dropViews.add(new DropView(o));
        }
        createViews.add(new CreateView(n));
        indexes(n.schema(), n.name(), List.of(), n.indexes(), true);
        // Dropping a view drops its triggers: a re-created view gets all of them again.
        viewTriggers(o, n, true);
        if (n.comment() != null) {
          comments.add(viewComment(n));
        }
      } else {
        indexes(n.schema(), n.name(), o.indexes(), n.indexes(), false);
        viewTriggers(o, n, false);
        if (!Objects.equals(o.comment(), n.comment())) {
          comments.add(viewComment(n));
        }
      }
    });
    old.forEach((k, o) -> {
      if (!neu.containsKey(k)) {
        dropViews.add(new DropView(o));
      }
    });
  }

  private void viewTriggers(View o, View n, boolean recreated) {
    triggers(o == null ? null : viewAsTable(o), viewAsTable(n), o == null || recreated ? List.of() : o.triggers(),
        n.triggers());
  }

  /**
   * Diffs the triggers of a relation (a table, or a view standing as one): a changed trigger, or
   * one whose function is re-created, is dropped and created again.
   */
  private void triggers(Table onOld, Table onNew, List<Trigger> oldTriggers, List<Trigger> newTriggers) {
    var oldTr = byKey(oldTriggers, Trigger::name);
    var newTr = byKey(newTriggers, Trigger::name);
    newTr.forEach((k, t) -> {
      Trigger ot = oldTr.get(k);
      boolean recreate = ot != null && (t.function() != null && recreatedRoutines.contains(t.function())
          || routineUsers.contains("trg:" + onOld.qualifiedName() + "." + k));
      if (ot == null || recreate || !withoutComment(ot).equals(withoutComment(t))) {
        if (ot != null) {
          dropTriggers.add(new DropTrigger(onOld, ot));
        }
        createTrigger(onNew, t);
      } else if (!Objects.equals(ot.comment(), t.comment())) {
        comments.add(triggerComment(onNew, t));
      }
    });
    oldTr.forEach((k, t) -> {
      if (!newTr.containsKey(k)) {
        dropTriggers.add(new DropTrigger(onOld, t));
      }
    });
  }

  /** A view as the relation a trigger operation names. */
  private static Table viewAsTable(View v) {
    return new Table(v.schema(), v.name(), List.of(), List.of(), List.of(), v.triggers(), List.of(), false, false,
        null, null, null, null, null);
  }

  private static SetComment viewComment(View v) {
    return new SetComment(v.materialized() ? "MATERIALIZED VIEW" : "VIEW", Identifiers.qualified(v.schema(), v.name()),
        "rel:" + v.qualifiedName(), v.comment());
  }
}
