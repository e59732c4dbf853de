package dev.lockplane.internal.planner;

import dev.lockplane.internal.planner.pg.PgSql;
import dev.lockplane.internal.planner.sqlite.SqliteSql;
import dev.lockplane.plan.Plan;
import dev.lockplane.plan.Step;
import dev.lockplane.schema.Column;
import dev.lockplane.schema.CompositeType;
import dev.lockplane.schema.DatabaseSchema;
import dev.lockplane.schema.Dialect;
import dev.lockplane.schema.Table;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Diff, order and render: two models in, a {@link Plan} with its reverse out. */
public final class PlanBuilder {
  private PlanBuilder() {}

  public static Plan plan(DatabaseSchema current, DatabaseSchema desired) {
    return plan(current, desired, (op, step) -> step);
  }

  /** Plans, passing each forward step with its operation through {@code decorate} (the risk assessment). */
  public static Plan plan(DatabaseSchema current, DatabaseSchema desired,
      java.util.function.BiFunction<Operation, Step, Step> decorate) {
    return plan(current, desired, decorate, (from, to) -> (op, step) -> step);
  }

  /**
   * Plans, passing forward steps through {@code decorate} and rollback steps through the decorator
   * {@code reverseDecorator} makes for the rollback's source and target models.
   */
  public static Plan plan(DatabaseSchema current, DatabaseSchema desired,
      java.util.function.BiFunction<Operation, Step, Step> decorate,
      java.util.function.BiFunction<DatabaseSchema, DatabaseSchema,
          java.util.function.BiFunction<Operation, Step, Step>> reverseDecorator) {
    List<Step> forward = steps(current, desired, decorate);
    DatabaseSchema desiredPlain = withoutHints(desired);
    DatabaseSchema back = invertHints(current, desired);
    List<Step> reverse = steps(desiredPlain, back, reverseDecorator.apply(desiredPlain, back));
    return new Plan(desired.dialect(), SchemaHash.of(current), SchemaHash.of(desiredPlain), forward, reverse,
        current);
  }

  public static List<Step> steps(DatabaseSchema from, DatabaseSchema to) {
    return steps(from, to, (op, step) -> step);
  }

  static List<Step> steps(DatabaseSchema from, DatabaseSchema to,
      java.util.function.BiFunction<Operation, Step, Step> decorate) {
    List<OperationInfo> infos = new ArrayList<>();
    for (Operation op : Differ.diff(from, to)) {
      infos.add(OperationInfo.of(op));
    }
    CatalogDependencies.add(infos, from.dependencies(), to.dependencies());
    List<Step> steps = new ArrayList<>();
    for (OperationInfo i : Ordering.order(infos)) {
      List<String> sql = to.dialect() == Dialect.SQLITE ? SqliteSql.render(i.op) : PgSql.render(i.op);
      steps.add(decorate.apply(i.op, new Step(i.name, i.description, sql, List.copyOf(i.objects), i.transactional,
          i.destructive, i.reversible, i.renamedFrom)));
    }
    return steps;
  }

  public static DatabaseSchema withoutHints(DatabaseSchema s) {
    List<Table> tables = s.tables().stream()
        .map(t -> t.with(t.columns().stream().map(Column::withoutRenameHint).toList(), null)).toList();
    return new DatabaseSchema(s.dialect(), s.schemas(), s.extensions(), s.enums(), s.domains(),
        s.compositeTypes().stream().map(CompositeType::withoutRenameHints).toList(), s.sequences(), tables, s.views(),
        s.routines(), null, s.dependencies());
  }

  /** The source model with the hints that undo the desired model's renames. */
  static DatabaseSchema invertHints(DatabaseSchema current, DatabaseSchema desired) {
    Map<String, String> tableBack = new HashMap<>();
    Map<String, String> columnBack = new HashMap<>();
    for (Table t : desired.tables()) {
      String oldName = t.name();
      if (t.renamedFrom() != null && current.table(t.schema(), t.name()).isEmpty()
          && current.table(t.schema(), t.renamedFrom()).isPresent()) {
        tableBack.put(t.schema() + "." + t.renamedFrom(), t.name());
        oldName = t.renamedFrom();
      }
      Optional<Table> was = current.table(t.schema(), oldName);
      for (Column c : t.columns()) {
        if (c.renamedFrom() != null && was.isPresent()
            && was.get().columns().stream().anyMatch(x -> x.name().equals(c.renamedFrom()))) {
          columnBack.put(t.schema() + "." + oldName + "." + c.renamedFrom(), c.name());
        }
      }
    }
    List<Table> tables = current.tables().stream().map(t -> t.with(t.columns().stream().map(c -> {
      String hint = columnBack.get(t.qualifiedName() + "." + c.name());
      return c.withRenamedFrom(hint);
    }).toList(), tableBack.get(t.qualifiedName()))).toList();
    // Attribute renames are undone by hints on the current type: the desired name is the old one.
    Map<String, CompositeType> desiredTypes = new HashMap<>();
    desired.compositeTypes().forEach(t -> desiredTypes.put(t.schema() + "." + t.name(), t));
    List<CompositeType> types = current.compositeTypes().stream().map(t -> {
      CompositeType d = desiredTypes.get(t.schema() + "." + t.name());
      if (d == null) {
        return t;
      }
      Map<String, String> back = new HashMap<>();
      CompositeRenames.of(t, d).forEach((was, now) -> back.put(was, now));
      return back.isEmpty() ? t : new CompositeType(t.schema(), t.name(), t.attributes().stream()
          .map(a -> a.withRenamedFrom(back.get(a.name()))).toList(), t.comment());
    }).toList();
    return new DatabaseSchema(current.dialect(), current.schemas(), current.extensions(), current.enums(),
        current.domains(), types, current.sequences(), tables, current.views(),
        current.routines(), null, current.dependencies());
  }
}
