package dev.lockplane.internal.planner;

import dev.lockplane.internal.planner.Operation.AlterComposite;
import dev.lockplane.internal.planner.Operation.ColumnUse;
import dev.lockplane.internal.planner.Operation.CreateComposite;
import dev.lockplane.internal.planner.Operation.CreateDomain;
import dev.lockplane.internal.planner.Operation.DropComposite;
import dev.lockplane.internal.planner.Operation.DropDomain;
import dev.lockplane.internal.planner.Operation.RetypeDomain;
import dev.lockplane.schema.Column;
import dev.lockplane.schema.CompositeType;
import dev.lockplane.schema.DatabaseSchema;
import dev.lockplane.schema.Domain;
import dev.lockplane.schema.Table;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Plans changes to the shape of types whose values tables store: a domain's base type, a composite
 * type's attributes, a table's row type. Where PostgreSQL can change them without losing values it
 * picks that way; where it cannot, the plan is refused here, at plan time, with the columns named,
 * instead of failing when it is applied.
 */
final class TypeShapeChanges {
  private final DatabaseSchema from;
  private final DatabaseSchema to;

  TypeShapeChanges(DatabaseSchema from, DatabaseSchema to) {
    this.from = from;
    this.to = to;
  }

  /** A domain whose base type or collation changes (its constraints may change too). */
  void domain(Domain o, Domain n, List<Operation> dropTypes, List<Operation> createTypes, Set<String> reshaped) {
    List<ColumnUse> uses = TypeUses.surviving(from, to, o.schema(), o.name());
    List<String> nested = TypeUses.nestedColumns(from, o.schema(), o.name());
    if (uses.isEmpty() && nested.isEmpty()) {
      dropTypes.add(new DropDomain(o));
      createTypes.add(new CreateDomain(n));
      return;
    }
    List<String> others = TypeUses.others(from, to, o.schema(), o.name());
    if (!nested.isEmpty() || !others.isEmpty()) {
      List<String> what = new ArrayList<>(others);
      nested.forEach(c -> what.add("column " + c));
      throw TypeUses.refuse("Cannot change the base type of domain " + o.schema() + "." + o.name() + " from "
          + o.baseType() + " to " + n.baseType() + ": PostgreSQL has no ALTER DOMAIN … TYPE, and the domain would"
          + " have to be re-created while " + String.join(", ", what) + " use it. Change it in steps: move those"
          + " objects off the domain (or drop them) in one plan, change the domain in the next, then move them back.");
    }
    createTypes.add(new RetypeDomain(o, n, uses));
    uses.forEach(u -> reshaped.add(u.table().qualifiedName()));
  }

  /** A composite type whose attributes differ. */
  void composite(CompositeType o, CompositeType n, java.util.SortedMap<String, String> renames,
      List<Operation> dropTypes, List<Operation> createTypes, Set<String> reshaped) {
    List<ColumnUse> uses = TypeUses.surviving(from, to, o.schema(), o.name());
    List<String> nested = TypeUses.nestedColumns(from, o.schema(), o.name());
    String name = o.schema() + "." + o.name();
    if (appendable(o, n)) {
      AlterComposite op = new AlterComposite(o, n, uses, renames);
      if (op.retyped() && !nested.isEmpty()) {
        throw TypeUses.refuse("Cannot change the type of an attribute of composite type " + name + ": columns "
            + String.join(", ", nested) + " store it inside another type, and PostgreSQL refuses ALTER TYPE … ALTER"
            + " ATTRIBUTE … TYPE while values of the type are stored. Move those columns off the outer type in one"
            + " plan, change " + name + " in the next, then move them back.");
      }
      if (op.retyped() && !uses.isEmpty()) {
        List<String> others = TypeUses.others(from, to, o.schema(), o.name());
        if (!others.isEmpty()) {
          throw TypeUses.refuse("Cannot change the type of an attribute of composite type " + name + " while columns "
              + TypeUses.names(uses) + " store it: PostgreSQL refuses ALTER ATTRIBUTE … TYPE then, and re-creating"
              + " the type would also need " + String.join(", ", others) + " re-created. Change those in a plan of"
              + " their own first.");
        }
        uses.forEach(u -> reshaped.add(u.table().qualifiedName()));
      }
      createTypes.add(op);
      return;
    }
    if (uses.isEmpty() && nested.isEmpty()) {
      // No value is stored anywhere: re-creating the type loses nothing, renamed attributes included.
      dropTypes.add(new DropComposite(o));
      createTypes.add(new CreateComposite(n));
      return;
    }
    List<String> stored = new ArrayList<>(uses.stream()
        .map(u -> u.table().qualifiedName() + "." + u.column().name()).toList());
    stored.addAll(nested);
    throw TypeUses.refuse("Cannot reorder the attributes of composite type " + name + " while columns "
        + String.join(", ", stored) + " store it: ALTER TYPE only appends attributes, and re-creating the type"
        + " would drop the columns' values. Keep the existing attributes in their order and add new ones at the"
        + " end, or move the columns off the type first.");
  }

  /**
   * Whether ALTER TYPE reaches the target in place: the attributes that stay keep their order and
   * come first, new ones follow (ADD ATTRIBUTE appends).
   */
  static boolean appendable(CompositeType o, CompositeType n) {
    List<String> oldNames = o.attributes().stream().map(CompositeType.Attribute::name).toList();
    List<String> newNames = n.attributes().stream().map(CompositeType.Attribute::name).toList();
    List<String> kept = oldNames.stream().filter(newNames::contains).toList();
    return newNames.subList(0, kept.size()).equals(kept);
  }

  /**
   * Refuses, at plan time, a change to table {@code t} that PostgreSQL refuses while another
   * table's column stores its row type: a column type change, or a column added with a default.
   */
  void checkRowTypeUsers(Table t, String change) {
    List<String> stored = new ArrayList<>(TypeUses.surviving(from, to, t.schema(), t.name()).stream()
        .filter(u -> !u.table().qualifiedName().equals(t.qualifiedName()))
        .map(u -> u.table().qualifiedName() + "." + u.column().name()).toList());
    stored.addAll(TypeUses.nestedColumns(from, t.schema(), t.name()));
    if (stored.isEmpty()) {
      return;
    }
    throw TypeUses.refuse("Cannot " + change + ": column" + (stored.size() == 1 ? " " : "s ") + String.join(", ", stored)
        + (stored.size() == 1 ? " stores" : " store") + " the row type of table " + t.qualifiedName() + ", and PostgreSQL"
        + " refuses to alter a table whose row type other columns store (\"cannot alter table … because column … uses"
        + " its row type\"). Change it in three plans: move " + String.join(", ", stored) + " off type "
        + t.qualifiedName() + " (for example to text, or drop it), then change " + t.qualifiedName()
        + ", then move the column" + (stored.size() == 1 ? "" : "s") + " back.");
  }

  /** Whether adding this column rewrites (or re-checks) the table's rows: then the row type's users block it. */
  static boolean addTouchesRows(Column c) {
    return c.defaultValue() != null || c.identity() != null || c.generated() != null;
  }
}
