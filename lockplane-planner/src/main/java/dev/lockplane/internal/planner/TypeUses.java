package dev.lockplane.internal.planner;

import dev.lockplane.ErrorCode;
import dev.lockplane.LockplaneException;
import dev.lockplane.internal.planner.Operation.ColumnUse;
import dev.lockplane.schema.Column;
import dev.lockplane.schema.CompositeType;
import dev.lockplane.schema.DatabaseSchema;
import dev.lockplane.schema.Domain;
import dev.lockplane.schema.Routine;
import dev.lockplane.schema.Table;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What stores or names a user-defined type (a domain, a composite type, a table's row type): the
 * table columns whose values are of it, and the other objects built on it. PostgreSQL refuses to
 * change such a type's shape in place while values of it are stored, so the differ asks before it
 * picks an in-place change, a conversion of the columns, or a refusal at plan time.
 */
public final class TypeUses {
  private TypeUses() {}

  /**
   * The table columns of {@code schema} whose type is the type (or an array of it), in schema
   * order; partitions are left out (their parent's column stands for them).
   *
   * @param schema the schema model to search
   * @param typeSchema the type's schema
   * @param typeName the type's name
   * @return the columns
   */
  public static List<ColumnUse> columns(DatabaseSchema schema, String typeSchema, String typeName) {
    String key = "type:" + typeSchema + "." + typeName;
    List<ColumnUse> out = new ArrayList<>();
    for (Table t : schema.tables()) {
      if (t.partitionOf() != null) {
        continue; // a partition's columns are its parent's
      }
      for (Column c : t.columns()) {
        if (OperationInfo.typeKey(c.type()).equals(key)) {
          out.add(new ColumnUse(t, c));
        }
      }
    }
    return out;
  }

  /**
   * Columns that use the type now and still use it, unchanged in type, in the target: the columns
   * a change of the type has to carry along. Columns that the plan drops or retypes are left to
   * their own steps.
   */
  static List<ColumnUse> surviving(DatabaseSchema from, DatabaseSchema to, String typeSchema, String typeName) {
    List<ColumnUse> out = new ArrayList<>();
    for (ColumnUse u : columns(from, typeSchema, typeName)) {
      to.table(u.table().schema(), u.table().name()).ifPresent(t -> t.columns().stream()
          .filter(x -> x.name().equals(u.column().name()) && x.type().equals(u.column().type()))
          .findFirst().ifPresent(x -> out.add(new ColumnUse(t, x))));
    }
    return out;
  }

  /**
   * The objects other than table columns that are built on the type in both models (a composite
   * attribute, a domain over it, a routine's signature), described for a message; a change that
   * re-creates the type would have to re-create them too.
   */
  static List<String> others(DatabaseSchema from, DatabaseSchema to, String typeSchema, String typeName) {
    String key = "type:" + typeSchema + "." + typeName;
    Set<String> out = new LinkedHashSet<>();
    for (CompositeType c : from.compositeTypes()) {
      boolean kept = to.compositeTypes().stream().anyMatch(x -> x.schema().equals(c.schema()) && x.name().equals(c.name()));
      for (CompositeType.Attribute a : c.attributes()) {
        if (kept && OperationInfo.typeKey(a.type()).equals(key)) {
          out.add("attribute " + a.name() + " of composite type " + c.schema() + "." + c.name());
        }
      }
    }
    for (Domain d : from.domains()) {
      boolean kept = to.domains().stream().anyMatch(x -> x.schema().equals(d.schema()) && x.name().equals(d.name()));
      if (kept && OperationInfo.typeKey(d.baseType()).equals(key)) {
        out.add("domain " + d.schema() + "." + d.name());
      }
    }
    for (Routine r : from.routines()) {
      boolean kept = to.routines().stream().anyMatch(x -> x.signature().equals(r.signature()));
      Set<String> keys = new LinkedHashSet<>();
      OperationInfo.signatureKeys(keys, r);
      if (kept && keys.contains(key)) {
        out.add(r.kind().name().toLowerCase(java.util.Locale.ROOT) + " " + r.signature());
      }
    }
    return List.copyOf(out);
  }

  /**
   * The types (composite types and domains of {@code schema}) that contain the type, directly or
   * through others: their stored values contain values of it.
   */
  static Set<String> containers(DatabaseSchema schema, String typeSchema, String typeName) {
    Set<String> found = new LinkedHashSet<>();
    List<String> pending = new ArrayList<>(List.of("type:" + typeSchema + "." + typeName));
    while (!pending.isEmpty()) {
      String key = pending.remove(0);
      for (CompositeType c : schema.compositeTypes()) {
        String k = "type:" + c.schema() + "." + c.name();
        if (c.attributes().stream().anyMatch(a -> OperationInfo.typeKey(a.type()).equals(key)) && found.add(k)) {
          pending.add(k);
        }
      }
      for (Domain d : schema.domains()) {
        String k = "type:" + d.schema() + "." + d.name();
        if (OperationInfo.typeKey(d.baseType()).equals(key) && found.add(k)) {
          pending.add(k);
        }
      }
    }
    return found;
  }

  /**
   * The columns that store values of the type inside values of another type (a column of a
   * composite type with an attribute of it, or of a domain over it), as "table.column (type)".
   */
  static List<String> nestedColumns(DatabaseSchema schema, String typeSchema, String typeName) {
    List<String> out = new ArrayList<>();
    for (String container : containers(schema, typeSchema, typeName)) {
      String dotted = container.substring("type:".length());
      int dot = dotted.indexOf('.');
      for (ColumnUse u : columns(schema, dotted.substring(0, dot), dotted.substring(dot + 1))) {
        out.add(u.table().qualifiedName() + "." + u.column().name() + " (" + dotted + ")");
      }
    }
    return out;
  }

  /** A plan-time refusal: the change cannot be made in place, and why, and what to do instead. */
  static LockplaneException refuse(String message) {
    return new LockplaneException(ErrorCode.UNSUPPORTED, message);
  }

  static String names(List<ColumnUse> uses) {
    return String.join(", ", uses.stream().map(u -> u.table().qualifiedName() + "." + u.column().name()).toList());
  }
}
