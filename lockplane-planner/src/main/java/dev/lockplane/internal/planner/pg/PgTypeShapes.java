package dev.lockplane.internal.planner.pg;

import dev.lockplane.internal.planner.Operation.AlterComposite;
import dev.lockplane.internal.planner.Operation.ColumnUse;
import dev.lockplane.internal.planner.Operation.RetypeDomain;
import dev.lockplane.internal.planner.TypeChanges;
import dev.lockplane.internal.sql.Identifiers;
import dev.lockplane.schema.Column;
import dev.lockplane.schema.CompositeType;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/** PostgreSQL statements that change the shape of a type whose values columns store. */
final class PgTypeShapes {
  private PgTypeShapes() {}

  /**
   * The new domain under a temporary name, each column converted to it through the new base type
   * (its default dropped first: PostgreSQL would cast the old default, which may not fit), the old
   * domain dropped, the new one renamed, and the columns' defaults set again once the name is back.
   */
  static List<String> retypeDomain(RetypeDomain o) {
    var d = o.to();
    String temporary = d.name() + "__lockplane_new";
    String tmp = Identifiers.qualified(d.schema(), temporary);
    List<String> s = new ArrayList<>();
    s.add(PgSql.createDomain(d, tmp));
    // Between string types the assignment cast fails on a value too long, where an explicit cast would cut it.
    UnaryOperator<String> via = TypeChanges.bothStrings(o.from().baseType(), d.baseType()) ? null : dims -> d.baseType() + dims;
    for (ColumnUse u : o.uses()) {
      convert(s, u, tmp, via);
    }
    s.add("DROP DOMAIN " + Identifiers.qualified(o.from().schema(), o.from().name()));
    s.add("ALTER DOMAIN " + tmp + " RENAME TO " + Identifiers.quote(d.name()));
    for (ColumnUse u : o.uses()) {
      if (u.column().defaultValue() != null) {
        s.add("ALTER TABLE " + PgSql.name(u.table()) + " ALTER COLUMN " + Identifiers.quote(u.column().name())
            + " SET DEFAULT " + u.column().defaultValue());
      }
    }
    return s;
  }

  /**
   * Drops and appends attributes in place (stored values keep the others); changes attribute types
   * in place when no column stores the type, else re-creates the type and converts each column
   * through its text form, which the new attribute types parse (a value they reject fails the plan).
   */
  static List<String> alterComposite(AlterComposite o) {
    CompositeType from = o.from();
    CompositeType to = o.to();
    String name = Identifiers.qualified(to.schema(), to.name());
    boolean recreate = o.retyped() && !o.uses().isEmpty();
    List<String> actions = new ArrayList<>();
    for (CompositeType.Attribute a : from.attributes()) {
      if (to.attributes().stream().noneMatch(x -> x.name().equals(a.name()))) {
        actions.add("DROP ATTRIBUTE " + Identifiers.quote(a.name()));
      }
    }
    for (CompositeType.Attribute a : to.attributes()) {
      var was = from.attributes().stream().filter(x -> x.name().equals(a.name())).findFirst();
      if (was.isEmpty()) {
        actions.add("ADD ATTRIBUTE " + PgSql.attribute(a));
      } else if (!recreate && !was.get().equals(a)) {
        actions.add("ALTER ATTRIBUTE " + Identifiers.quote(a.name()) + " TYPE " + a.type()
            + (a.collation() == null ? "" : " COLLATE " + a.collation()));
      }
    }
    List<String> s = new ArrayList<>();
    // RENAME ATTRIBUTE cannot share an ALTER TYPE with other actions; stored values are positional,
    // so they keep their values under the new name.
    o.renames().forEach((was, now) -> s.add("ALTER TYPE " + name + " RENAME ATTRIBUTE " + Identifiers.quote(was)
        + " TO " + Identifiers.quote(now)));
    if (!actions.isEmpty()) {
      s.add("ALTER TYPE " + name + " " + String.join(", ", actions));
    }
    if (!recreate) {
      return s;
    }
    String old = to.name() + "__lockplane_old";
    s.add("ALTER TYPE " + name + " RENAME TO " + Identifiers.quote(old));
    s.add(PgSql.createComposite(to));
    for (ColumnUse u : o.uses()) {
      convert(s, u, name, dims -> "text");
      if (u.column().defaultValue() != null) {
        s.add("ALTER TABLE " + PgSql.name(u.table()) + " ALTER COLUMN " + Identifiers.quote(u.column().name())
            + " SET DEFAULT " + u.column().defaultValue());
      }
    }
    s.add("DROP TYPE " + Identifiers.qualified(to.schema(), old));
    return s;
  }

  /**
   * Converts a column (keeping its array dimensions) to {@code type}: its default dropped first, as
   * it has the old type; the values cast through the type {@code via} gives for the column's array
   * dimensions, or by assignment when {@code via} is null.
   */
  private static void convert(List<String> s, ColumnUse u, String type, UnaryOperator<String> via) {
    Column c = u.column();
    String col = Identifiers.quote(c.name());
    String dims = dims(c.type());
    String alter = "ALTER TABLE " + PgSql.name(u.table()) + " ALTER COLUMN " + col;
    s.add(alter + " DROP DEFAULT");
    s.add(alter + " TYPE " + type + dims + (via == null ? "" : " USING " + col + "::" + via.apply(dims) + "::" + type + dims));
  }

  /** The array dimensions of a column type ("[]" per dimension), or "". */
  private static String dims(String type) {
    int bracket = type.indexOf('[');
    return bracket < 0 ? "" : type.substring(bracket);
  }

}
