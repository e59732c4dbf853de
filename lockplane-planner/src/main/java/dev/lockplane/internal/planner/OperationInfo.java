package dev.lockplane.internal.planner;

import dev.lockplane.internal.planner.Operation.*;
import dev.lockplane.internal.sql.Identifiers;
import dev.lockplane.schema.Column;
import dev.lockplane.schema.Constraint;
import dev.lockplane.schema.Table;
import dev.lockplane.schema.View;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What an operation does to the dependency graph and how a reviewer sees it. Keys name objects:
 * {@code rel:s.t} (table or view), {@code type:s.n}, {@code seq:s.n}, {@code fn:s.n}, {@code
 * idx:s.n}, {@code schema:s}, {@code ext:n}.
 */
public final class OperationInfo {
  /** Whether an operation creates, alters or drops its object. */
  public enum Kind { CREATE, ALTER, DROP }

  public final Operation op;
  public final Kind kind;
  public final String name;
  public final String description;
  public final Set<String> objects = new LinkedHashSet<>();
  /** Keys that exist (in their new shape) after the operation. */
  public final Set<String> provides = new LinkedHashSet<>();
  /** Keys that no longer exist in their old shape after the operation. */
  public final Set<String> removes = new LinkedHashSet<>();
  /** Keys that must exist, in their new shape, before the operation. */
  public final Set<String> needs = new LinkedHashSet<>();
  /** Keys the object depended on in the old schema: they must outlive the operation. */
  public final Set<String> oldNeeds = new LinkedHashSet<>();
  public boolean destructive;
  public boolean reversible = true;
  public boolean transactional = true;
  public String renamedFrom;

  private static final Pattern NEXTVAL = Pattern.compile("nextval\\('([^']+)'");

  private OperationInfo(Operation op, Kind kind, String name, String description) {
    this.op = op;
    this.kind = kind;
    this.name = name;
    this.description = description;
  }

  private static String rel(Table t) {
    return "rel:" + t.schema() + "." + t.name();
  }

  /** Adds the keys of the types and sequences a column uses. */
  private static void columnNeeds(Set<String> into, Column c) {
    into.add(typeKey(c.type()));
    if (c.defaultValue() != null) {
      Matcher m = NEXTVAL.matcher(c.defaultValue());
      while (m.find()) {
        String seq = m.group(1);
        into.add("seq:" + (seq.contains(".") ? unquoteDotted(seq) : "public." + Identifiers.unquote(seq)));
      }
    }
  }

  private static final Pattern CALL = Pattern.compile(
      "(\"[^\"]+\"|[A-Za-z_][\\w$]*)(?:\\.(\"[^\"]+\"|[A-Za-z_][\\w$]*))?\\s*\\(");

  /**
   * Adds the keys of the functions an expression calls (as PostgreSQL prints it: qualified when
   * not on the search path), so that a domain or check is created after, and dropped before, them.
   * Names of built-in functions give keys that no operation provides.
   */
  /** Adds the keys of the functions a domain's default calls. */
  private static void defaultKeys(Set<String> into, dev.lockplane.schema.Domain d) {
    if (d.defaultValue() != null) {
      functionKeys(into, d.defaultValue(), d.schema());
    }
  }

  static void functionKeys(Set<String> into, String expression, String schema) {
    Matcher m = CALL.matcher(expression);
    while (m.find()) {
      if (m.group(2) != null) {
        into.add("fn:" + Identifiers.unquote(m.group(1)) + "." + Identifiers.unquote(m.group(2)));
      } else {
        into.add("fn:public." + Identifiers.unquote(m.group(1)));
        into.add("fn:" + schema + "." + Identifiers.unquote(m.group(1)));
      }
    }
  }

  /**
   * The key of a unique key on a table's columns (in any order): a foreign key is added after the
   * constraint or unique index it references.
   */
  private static String keyOf(String table, List<String> columns) {
    return "key:" + table + "(" + String.join(",", new java.util.TreeSet<>(columns)) + ")";
  }

  /** An aggregate comes after, and goes before, the functions it names. */
  private static void aggregateSupport(Set<String> into, dev.lockplane.schema.Routine r) {
    if (r.kind() == dev.lockplane.schema.Routine.Kind.AGGREGATE) {
      dev.lockplane.internal.planner.pg.PgAggregates.supportFunctions(r.definition())
          .forEach(f -> into.add("fn:" + unquoteDotted(f)));
    }
  }

  private static String unquoteDotted(String s) {
    int dot = s.indexOf('.');
    return Identifiers.unquote(s.substring(0, dot)) + "." + Identifiers.unquote(s.substring(dot + 1));
  }

  /** The dependency key of a type as printed by format_type; built-in types give unused keys. */
  /**
   * The types a routine's arguments and result may name — a table's row type among them — as
   * type keys: for each argument its last word and its whole text (a key nothing provides adds no
   * order).
   */
  private static void signatureTypes(Set<String> into, dev.lockplane.schema.Routine r) {
    List<String> parts = new ArrayList<>(splitTopLevel(r.arguments()));
    if (r.result() != null) {
      parts.add(r.result().replaceFirst("(?i)^SETOF\\s+", ""));
    }
    for (String part : parts) {
      String p = part.strip().replaceAll("\\s+DEFAULT\\s.*$", "").replace("[]", "");
      if (p.isEmpty() || p.startsWith("TABLE(") || p.startsWith("TABLE (")) {
        continue;
      }
      String[] words = p.split("\\s+");
      into.add(typeKey(words[words.length - 1]));
      into.add(typeKey(p));
    }
  }

  /** The type keys a routine's signature may name. */
  static void signatureKeys(Set<String> into, dev.lockplane.schema.Routine r) {
    signatureTypes(into, r);
  }

  private static List<String> splitTopLevel(String text) {
    List<String> out = new ArrayList<>();
    int depth = 0;
    int start = 0;
    for (int k = 0; k < text.length(); k++) {
      char ch = text.charAt(k);
      if (ch == '(') {
        depth++;
      } else if (ch == ')') {
        depth--;
      } else if (ch == ',' && depth == 0) {
        out.add(text.substring(start, k));
        start = k + 1;
      }
    }
    if (start < text.length()) {
      out.add(text.substring(start));
    }
    return out;
  }

  static String typeKey(String type) {
    String t = type;
    while (t.endsWith("[]")) {
      t = t.substring(0, t.length() - 2);
    }
    int paren = t.indexOf('(');
    if (paren > 0) {
      t = t.substring(0, paren);
    }
    return "type:" + (t.contains(".") ? unquoteDotted(t) : "public." + Identifiers.unquote(t));
  }

  public static OperationInfo of(Operation op) {
    if (op instanceof CreateSchema o) {
      OperationInfo i = new OperationInfo(op, Kind.CREATE, "create_schema", "Create schema " + o.name());
      i.provides.add("schema:" + o.name());
      return i.obj("schema " + o.name());
    }
    if (op instanceof DropSchema o) {
      OperationInfo i = new OperationInfo(op, Kind.DROP, "drop_schema", "Drop schema " + o.name());
      i.removes.add("schema:" + o.name());
      return i.obj("schema " + o.name());
    }
    if (op instanceof CreateExtension o) {
      OperationInfo i = new OperationInfo(op, Kind.CREATE, "create_extension", "Create extension " + o.extension().name());
      i.provides.add("ext:" + o.extension().name());
      i.needs.add("schema:" + o.extension().schema());
      return i.obj("extension " + o.extension().name());
    }
    if (op instanceof DropExtension o) {
      OperationInfo i = new OperationInfo(op, Kind.DROP, "drop_extension", "Drop extension " + o.extension().name());
      i.removes.add("ext:" + o.extension().name());
      i.oldNeeds.add("schema:" + o.extension().schema());
      return i.obj("extension " + o.extension().name());
    }
    if (op instanceof CreateEnum o) {
      return typeCreate(op, "create_enum", "Create enum type ", o.type().schema(), o.type().name());
    }
    if (op instanceof DropEnum o) {
      return typeDrop(op, "drop_enum", "Drop enum type ", o.type().schema(), o.type().name());
    }
    if (op instanceof AddEnumValue o) {
      String n = o.type().schema() + "." + o.type().name();
      OperationInfo i = new OperationInfo(op, Kind.ALTER, "add_enum_value",
          "Add value '" + o.label() + "' to enum type " + n);
      i.provides.add("type:" + n);
      // A new enum label cannot be used in the transaction that adds it.
      i.transactional = false;
      return i.obj("type " + n);
    }
    if (op instanceof RecreateEnum o) {
      String n = o.to().schema() + "." + o.to().name();
      OperationInfo i = new OperationInfo(op, Kind.ALTER, "recreate_enum", "Re-create enum type " + n
          + " with labels " + o.to().labels() + " and convert " + o.uses().size() + " column(s)");
      // Columns keep working while the old type is renamed, so nothing has to go before on its account;
      // what uses the type in its new shape comes after.
      i.provides.add("type:" + n);
      i.obj("type " + n);
      for (ColumnUse u : o.uses()) {
        i.provides.add(rel(u.table()));
        i.removes.add(rel(u.table()));
        i.obj("column " + u.table().qualifiedName() + "." + u.column().name());
      }
      return i;
    }
    if (op instanceof CreateDomain o) {
      OperationInfo i = typeCreate(op, "create_domain", "Create domain ", o.domain().schema(), o.domain().name());
      i.needs.add(typeKey(o.domain().baseType()));
      o.domain().checks().forEach(c -> functionKeys(i.needs, c.expression(), o.domain().schema()));
      defaultKeys(i.needs, o.domain());
      return i;
    }
    if (op instanceof DropDomain o) {
      OperationInfo i = typeDrop(op, "drop_domain", "Drop domain ", o.domain().schema(), o.domain().name());
      i.oldNeeds.add(typeKey(o.domain().baseType()));
      o.domain().checks().forEach(c -> functionKeys(i.oldNeeds, c.expression(), o.domain().schema()));
      defaultKeys(i.oldNeeds, o.domain());
      return i;
    }
    if (op instanceof AlterDomain o) {
      var d = o.to();
      String n = d.schema() + "." + d.name();
      OperationInfo i = new OperationInfo(op, Kind.ALTER, "alter_domain", "Alter domain " + n + " ("
          + domainChanges(o.from(), d) + ")");
      // Kept in place: what uses the domain stays, so only the functions its checks and default call order it:
      // the new ones before, the old ones dropped after.
      i.provides.add("type:" + n);
      i.needs.add(typeKey(d.baseType()));
      d.checks().forEach(c -> functionKeys(i.needs, c.expression(), d.schema()));
      o.from().checks().forEach(c -> functionKeys(i.oldNeeds, c.expression(), d.schema()));
      defaultKeys(i.needs, d);
      defaultKeys(i.oldNeeds, o.from());
      return i.obj("type " + n);
    }
    if (op instanceof RetypeDomain o) {
      var d = o.to();
      String n = d.schema() + "." + d.name();
      OperationInfo i = new OperationInfo(op, Kind.ALTER, "retype_domain", "Change the base type of domain " + n + " ("
          + o.from().baseType() + " -> " + d.baseType() + ") and convert " + o.uses().size() + " column(s)");
      i.provides.add("type:" + n);
      i.needs.add(typeKey(d.baseType()));
      d.checks().forEach(c -> functionKeys(i.needs, c.expression(), d.schema()));
      i.oldNeeds.add(typeKey(o.from().baseType()));
      o.from().checks().forEach(c -> functionKeys(i.oldNeeds, c.expression(), d.schema()));
      i.obj("type " + n);
      storedIn(i, "type:" + n, o.uses());
      String lossy = TypeChanges.lossy(o.from().baseType(), d.baseType());
      if (lossy != null) {
        // The cast keeps the rows but changes values: the step says which columns and how.
        OperationInfo l = new OperationInfo(op, Kind.ALTER, "retype_domain", i.description + " (changes values: "
            + lossy + ")").copyKeys(i);
        l.destructive = true;
        l.reversible = false;
        return l;
      }
      return i;
    }
    if (op instanceof AlterComposite o) {
      var t = o.to();
      String n = t.schema() + "." + t.name();
      List<String> dropped = o.from().attributes().stream().map(dev.lockplane.schema.CompositeType.Attribute::name)
          .filter(a -> t.attributes().stream().noneMatch(x -> x.name().equals(a))).toList();
      List<String> changes = new ArrayList<>();
      o.renames().forEach((was, now) -> changes.add("rename attribute " + was + " to " + now));
      String rest = compositeChanges(o.from(), t);
      if (!rest.isEmpty()) {
        changes.add(rest);
      }
      OperationInfo i = new OperationInfo(op, Kind.ALTER, "alter_type", "Alter composite type " + n + " ("
          + String.join("; ", changes) + ")" + (o.retyped() && !o.uses().isEmpty()
              ? "; re-create it and convert " + o.uses().size() + " column(s) through text" : ""));
      i.provides.add("type:" + n);
      t.attributes().forEach(a -> i.needs.add(typeKey(a.type())));
      o.from().attributes().forEach(a -> i.oldNeeds.add(typeKey(a.type())));
      i.obj("type " + n);
      if (o.retyped() && !o.uses().isEmpty()) {
        storedIn(i, "type:" + n, o.uses());
      } else {
        o.uses().forEach(u -> i.obj("column " + u.table().qualifiedName() + "." + u.column().name()));
      }
      // The dropped attributes' values are gone from every stored value of the type.
      i.destructive = !dropped.isEmpty() && !o.uses().isEmpty();
      i.reversible = !i.destructive;
      return i;
    }
    if (op instanceof CreateComposite o) {
      OperationInfo i = typeCreate(op, "create_type", "Create composite type ", o.type().schema(), o.type().name());
      o.type().attributes().forEach(a -> i.needs.add(typeKey(a.type())));
      return i;
    }
    if (op instanceof DropComposite o) {
      OperationInfo i = typeDrop(op, "drop_type", "Drop composite type ", o.type().schema(), o.type().name());
      o.type().attributes().forEach(a -> i.oldNeeds.add(typeKey(a.type())));
      return i;
    }
    if (op instanceof CreateSequence o) {
      String n = o.sequence().schema() + "." + o.sequence().name();
      OperationInfo i = new OperationInfo(op, Kind.CREATE, "create_sequence", "Create sequence " + n);
      i.provides.add("seq:" + n);
      i.needs.add("schema:" + o.sequence().schema());
      return i.obj("sequence " + n);
    }
    if (op instanceof DropSequence o) {
      String n = o.sequence().schema() + "." + o.sequence().name();
      OperationInfo i = new OperationInfo(op, Kind.DROP, "drop_sequence", "Drop sequence " + n);
      i.removes.add("seq:" + n);
      i.oldNeeds.add("schema:" + o.sequence().schema());
      i.reversible = false;
      return i.obj("sequence " + n);
    }
    if (op instanceof AlterSequence o) {
      String n = o.to().schema() + "." + o.to().name();
      OperationInfo i = new OperationInfo(op, Kind.ALTER, "alter_sequence", "Alter sequence " + n);
      i.provides.add("seq:" + n);
      return i.obj("sequence " + n);
    }
    if (op instanceof SetSequenceOwner o) {
      String n = o.sequence().schema() + "." + o.sequence().name();
      String owner = o.sequence().ownedBy();
      OperationInfo i = new OperationInfo(op, Kind.CREATE, "set_sequence_owner",
          "Set the owner of sequence " + n + " to " + (owner == null ? "none" : owner));
      i.needs.add("seq:" + n);
      if (owner != null) {
        i.needs.add("rel:" + owner.substring(0, owner.lastIndexOf('.')));
      }
      return i.obj("sequence " + n);
    }
    if (op instanceof CreateTable o) {
      Table t = o.table();
      OperationInfo i = new OperationInfo(op, Kind.CREATE, "create_table",
          (t.partitionOf() != null ? "Create partition " + t.qualifiedName() + " of " + t.partitionOf()
              : "Create table " + t.qualifiedName()));
      i.provides.add(rel(t));
      // its row type, which composite types, domains, columns and functions may be built on
      i.provides.add("type:" + t.qualifiedName());
      i.needs.add("schema:" + t.schema());
      if (t.partitionOf() != null) {
        i.needs.add("rel:" + t.partitionOf());
      }
      t.columns().forEach(c -> columnNeeds(i.needs, c));
      return i.obj("table " + t.qualifiedName());
    }
    if (op instanceof DropTable o) {
      Table t = o.table();
      OperationInfo i = new OperationInfo(op, Kind.DROP, "drop_table", "Drop table " + t.qualifiedName());
      i.removes.add(rel(t));
      i.removes.add("type:" + t.qualifiedName());
      i.oldNeeds.add("schema:" + t.schema());
      if (t.partitionOf() != null) {
        i.oldNeeds.add("rel:" + t.partitionOf());
      }
      t.columns().forEach(c -> columnNeeds(i.oldNeeds, c));
      t.columns().forEach(c -> i.oldNeeds.add("stores:" + typeKey(c.type())));
      i.destructive = true;
      i.reversible = false;
      return i.obj("table " + t.qualifiedName());
    }
    if (op instanceof RenameTable o) {
      Table t = o.table();
      OperationInfo i = new OperationInfo(op, Kind.ALTER, "rename_table",
          "Rename table " + t.qualifiedName() + " to " + o.newName());
      i.removes.add(rel(t));
      i.provides.add("rel:" + t.schema() + "." + o.newName());
      i.renamedFrom = t.name();
      return i.obj("table " + t.qualifiedName()).obj("table " + t.schema() + "." + o.newName());
    }
    if (op instanceof RebuildTable o) {
      Table t = o.to();
      OperationInfo i = new OperationInfo(op, Kind.ALTER, "rebuild_table",
          "Rebuild table " + t.qualifiedName() + " (create, copy, drop, rename)");
      i.removes.add(rel(t));
      i.provides.add(rel(t));
      // SQLite's rebuild runs with foreign keys off, which only takes effect outside a transaction.
      i.transactional = false;
      var common = o.from().columns().stream().map(Column::name).toList();
      i.destructive = !t.columns().stream().map(c -> o.renames().getOrDefault(c.name(), c.name())).toList()
          .containsAll(common);
      i.reversible = !i.destructive;
      return i.obj("table " + t.qualifiedName());
    }
    if (op instanceof AddColumn o) {
      OperationInfo i = tableAlter(op, "add_column", "Add column " + o.column().name() + " to ", o.table());
      columnNeeds(i.needs, o.column());
      return i.obj("column " + o.table().qualifiedName() + "." + o.column().name());
    }
    if (op instanceof DropColumn o) {
      OperationInfo i = tableAlter(op, "drop_column", "Drop column " + o.column().name() + " from ", o.table());
      columnNeeds(i.oldNeeds, o.column());
      i.oldNeeds.add("stores:" + typeKey(o.column().type()));
      i.destructive = true;
      i.reversible = false;
      return i.obj("column " + o.table().qualifiedName() + "." + o.column().name());
    }
    if (op instanceof RenameColumn o) {
      OperationInfo i = tableAlter(op, "rename_column", "Rename column " + o.from() + " to " + o.to() + " in ", o.table());
      i.renamedFrom = o.from();
      return i.obj("column " + o.table().qualifiedName() + "." + o.to());
    }
    if (op instanceof AlterColumn o) {
      OperationInfo i = tableAlter(op, "alter_column", "Alter column " + o.to().name() + " ("
          + columnChanges(o.from(), o.to()) + ") of ", o.table());
      columnNeeds(i.needs, o.to());
      columnNeeds(i.oldNeeds, o.from());
      if (!o.from().type().equals(o.to().type())) {
        i.oldNeeds.add("stores:" + typeKey(o.from().type()));
      }
      if (o.table().partitionOf() != null) {
        // after the parent's own change, which recurses into the partition
        i.needs.add("rel:" + o.table().partitionOf());
      }
      String lossy = TypeChanges.lossy(o.from().type(), o.to().type());
      if (lossy != null) {
        // The cast keeps the rows but changes values: the step says which column and how.
        i = new OperationInfo(op, Kind.ALTER, "alter_column", i.description + " (changes values: " + lossy + ")")
            .copyKeys(i);
        i.destructive = true;
        i.reversible = false;
      }
      return i.obj("column " + o.table().qualifiedName() + "." + o.to().name());
    }
    if (op instanceof AddConstraint o) {
      Constraint c = o.constraint();
      OperationInfo i = new OperationInfo(op, Kind.CREATE, "add_constraint",
          "Add " + constraintKind(c) + " " + c.name() + " to " + o.table().qualifiedName());
      i.needs.add(rel(o.table()));
      if (c instanceof Constraint.Check k) {
        functionKeys(i.needs, k.expression(), o.table().schema());
      }
      if (c instanceof Constraint.ForeignKey f) {
        i.needs.add("rel:" + f.referencedTable());
        i.needs.add(keyOf(f.referencedTable(), f.referencedColumns()));
        i.obj("table " + f.referencedTable());
      }
      if (c instanceof Constraint.PrimaryKey p) {
        i.provides.add(keyOf(o.table().qualifiedName(), p.columns()));
      }
      if (c instanceof Constraint.Unique u) {
        i.provides.add(keyOf(o.table().qualifiedName(), u.columns()));
      }
      i.provides.add("con:" + o.table().qualifiedName() + "." + c.name());
      return i.obj("table " + o.table().qualifiedName());
    }
    if (op instanceof ValidateConstraint o) {
      Constraint c = o.constraint();
      OperationInfo i = new OperationInfo(op, Kind.ALTER, "validate_constraint",
          "Validate " + constraintKind(c) + " " + c.name() + " on " + o.table().qualifiedName() + " (checks existing rows)");
      i.needs.add(rel(o.table()));
      i.needs.add("con:" + o.table().qualifiedName() + "." + c.name());
      if (c instanceof Constraint.ForeignKey f) {
        i.needs.add("rel:" + f.referencedTable());
      }
      return i.obj("table " + o.table().qualifiedName());
    }
    if (op instanceof DropConstraint o) {
      Constraint c = o.constraint();
      OperationInfo i = new OperationInfo(op, Kind.DROP, "drop_constraint",
          "Drop " + constraintKind(c) + " " + c.name() + " from " + o.table().qualifiedName());
      i.oldNeeds.add(rel(o.table()));
      if (c instanceof Constraint.Check k) {
        functionKeys(i.oldNeeds, k.expression(), o.table().schema());
      }
      if (c instanceof Constraint.ForeignKey f) {
        i.oldNeeds.add("rel:" + f.referencedTable());
      }
      i.removes.add("con:" + o.table().qualifiedName() + "." + c.name());
      return i.obj("table " + o.table().qualifiedName());
    }
    if (op instanceof CreateIndex o) {
      OperationInfo i = new OperationInfo(op, Kind.CREATE, "create_index",
          "Create index " + o.index().name() + " on " + o.schema() + "." + o.relation());
      i.needs.add("rel:" + o.schema() + "." + o.relation());
      i.provides.add("idx:" + o.schema() + "." + o.index().name());
      if (o.index().unique() && o.index().where() == null) {
        i.provides.add(keyOf(o.schema() + "." + o.relation(),
            o.index().keys().stream().map(dev.lockplane.internal.sql.Identifiers::unquote).toList()));
      }
      return i.obj("index " + o.schema() + "." + o.index().name());
    }
    if (op instanceof DropIndex o) {
      OperationInfo i = new OperationInfo(op, Kind.DROP, "drop_index",
          "Drop index " + o.index().name() + " on " + o.schema() + "." + o.relation());
      i.oldNeeds.add("rel:" + o.schema() + "." + o.relation());
      i.removes.add("idx:" + o.schema() + "." + o.index().name());
      return i.obj("index " + o.schema() + "." + o.index().name());
    }
    if (op instanceof CreateView o) {
      View v = o.view();
      OperationInfo i = new OperationInfo(op, Kind.CREATE, "create_view",
          "Create " + (v.materialized() ? "materialized view " : "view ") + v.qualifiedName());
      i.provides.add("rel:" + v.qualifiedName());
      i.needs.add("schema:" + v.schema());
      v.dependsOn().forEach(d -> i.needs.add("rel:" + d));
      return i.obj("view " + v.qualifiedName());
    }
    if (op instanceof DropView o) {
      View v = o.view();
      OperationInfo i = new OperationInfo(op, Kind.DROP, "drop_view",
          "Drop " + (v.materialized() ? "materialized view " : "view ") + v.qualifiedName());
      i.removes.add("rel:" + v.qualifiedName());
      i.oldNeeds.add("schema:" + v.schema());
      v.dependsOn().forEach(d -> i.oldNeeds.add("rel:" + d));
      return i.obj("view " + v.qualifiedName());
    }
    if (op instanceof CreateRoutine o) {
      var r = o.routine();
      String k = r.kind().name().toLowerCase(Locale.ROOT);
      OperationInfo i = new OperationInfo(op, o.replace() ? Kind.ALTER : Kind.CREATE,
          o.replace() ? "replace_" + k : "create_" + k, (o.replace() ? "Replace " : "Create ") + k + " " + r.signature());
      i.provides.add("fn:" + r.schema() + "." + r.name());
      i.needs.add("schema:" + r.schema());
      aggregateSupport(i.needs, r);
      signatureTypes(i.needs, r);
      if (o.replace()) {
        aggregateSupport(i.oldNeeds, o.previous());
        signatureTypes(i.oldNeeds, o.previous());
      }
      return i.obj(k + " " + r.signature());
    }
    if (op instanceof DropRoutine o) {
      var r = o.routine();
      String k = r.kind().name().toLowerCase(Locale.ROOT);
      OperationInfo i = new OperationInfo(op, Kind.DROP, "drop_" + k, "Drop " + k + " " + r.signature());
      i.removes.add("fn:" + r.schema() + "." + r.name());
      i.oldNeeds.add("schema:" + r.schema());
      aggregateSupport(i.oldNeeds, r);
      signatureTypes(i.oldNeeds, r);
      return i.obj(k + " " + r.signature());
    }
    if (op instanceof CreateTrigger o) {
      OperationInfo i = new OperationInfo(op, Kind.CREATE, "create_trigger",
          "Create trigger " + o.trigger().name() + " on " + o.table().qualifiedName());
      i.needs.add(rel(o.table()));
      if (o.trigger().function() != null) {
        i.needs.add("fn:" + o.trigger().function());
      }
      i.provides.add("trg:" + o.table().qualifiedName() + "." + o.trigger().name());
      return i.obj("trigger " + o.table().qualifiedName() + "." + o.trigger().name());
    }
    if (op instanceof DropTrigger o) {
      OperationInfo i = new OperationInfo(op, Kind.DROP, "drop_trigger",
          "Drop trigger " + o.trigger().name() + " on " + o.table().qualifiedName());
      i.oldNeeds.add(rel(o.table()));
      if (o.trigger().function() != null) {
        i.oldNeeds.add("fn:" + o.trigger().function());
      }
      return i.obj("trigger " + o.table().qualifiedName() + "." + o.trigger().name());
    }
    if (op instanceof CreatePolicy o) {
      OperationInfo i = new OperationInfo(op, Kind.CREATE, "create_policy",
          "Create policy " + o.policy().name() + " on " + o.table().qualifiedName());
      i.needs.add(rel(o.table()));
      return i.obj("policy " + o.table().qualifiedName() + "." + o.policy().name());
    }
    if (op instanceof DropPolicy o) {
      OperationInfo i = new OperationInfo(op, Kind.DROP, "drop_policy",
          "Drop policy " + o.policy().name() + " on " + o.table().qualifiedName());
      i.oldNeeds.add(rel(o.table()));
      return i.obj("policy " + o.table().qualifiedName() + "." + o.policy().name());
    }
    if (op instanceof SetRowSecurity o) {
      OperationInfo i = new OperationInfo(op, Kind.CREATE, "set_row_security",
          (o.table().rowSecurity() ? "Enable" : "Disable") + " row-level security"
              + (o.table().forceRowSecurity() ? " (forced)" : "") + " on " + o.table().qualifiedName());
      i.needs.add(rel(o.table()));
      return i.obj("table " + o.table().qualifiedName());
    }
    if (op instanceof SetTableStorage o) {
      java.util.List<String> what = new java.util.ArrayList<>();
      if (o.from().unlogged() != o.to().unlogged()) {
        what.add(o.to().unlogged() ? "unlogged" : "logged");
      }
      if (!o.from().storageParameters().equals(o.to().storageParameters())) {
        what.add(o.to().storageParameters().isEmpty() ? "no storage parameters"
            : String.join(", ", o.to().storageParameters()));
      }
      return tableAlter(op, "set_table_storage", "Set storage (" + String.join("; ", what) + ") of ", o.to());
    }
    SetComment o = (SetComment) op;
    OperationInfo i = new OperationInfo(op, Kind.CREATE, "set_comment",
        (o.comment() == null ? "Remove the comment on " : "Comment on ") + o.objectType().toLowerCase(Locale.ROOT)
            + " " + o.target());
    i.needs.add(o.key());
    return i.obj(o.objectType().toLowerCase(Locale.ROOT) + " " + o.target());
  }

  /**
   * A type change that converts the columns storing the type: the converted tables change shape,
   * and columns the plan drops or moves off the type go first ({@code stores:} keys), since the old
   * type is dropped at the end.
   */
  private static void storedIn(OperationInfo i, String typeKey, List<ColumnUse> uses) {
    i.removes.add("stores:" + typeKey);
    for (ColumnUse u : uses) {
      i.provides.add(rel(u.table()));
      i.removes.add(rel(u.table()));
      i.obj("column " + u.table().qualifiedName() + "." + u.column().name());
    }
  }

  private static String compositeChanges(dev.lockplane.schema.CompositeType from, dev.lockplane.schema.CompositeType to) {
    List<String> what = new ArrayList<>();
    for (var a : from.attributes()) {
      var n = to.attributes().stream().filter(x -> x.name().equals(a.name())).findFirst();
      if (n.isEmpty()) {
        what.add("drop attribute " + a.name());
      } else if (!n.get().equals(a)) {
        what.add("attribute " + a.name() + " " + a.type() + " -> " + n.get().type()
            + (java.util.Objects.equals(a.collation(), n.get().collation()) ? "" : " collate " + n.get().collation()));
      }
    }
    for (var a : to.attributes()) {
      if (from.attributes().stream().noneMatch(x -> x.name().equals(a.name()))) {
        what.add("add attribute " + a.name() + " " + a.type());
      }
    }
    return String.join("; ", what);
  }

  private OperationInfo copyKeys(OperationInfo from) {
    objects.addAll(from.objects);
    provides.addAll(from.provides);
    removes.addAll(from.removes);
    needs.addAll(from.needs);
    oldNeeds.addAll(from.oldNeeds);
    return this;
  }

  private OperationInfo obj(String o) {
    objects.add(o);
    return this;
  }

  private static OperationInfo typeCreate(Operation op, String name, String what, String schema, String type) {
    OperationInfo i = new OperationInfo(op, Kind.CREATE, name, what + schema + "." + type);
    i.provides.add("type:" + schema + "." + type);
    i.needs.add("schema:" + schema);
    return i.obj("type " + schema + "." + type);
  }

  private static OperationInfo typeDrop(Operation op, String name, String what, String schema, String type) {
    OperationInfo i = new OperationInfo(op, Kind.DROP, name, what + schema + "." + type);
    i.removes.add("type:" + schema + "." + type);
    i.oldNeeds.add("schema:" + schema);
    return i.obj("type " + schema + "." + type);
  }

  private static OperationInfo tableAlter(Operation op, String name, String what, Table t) {
    OperationInfo i = new OperationInfo(op, Kind.ALTER, name, what + t.qualifiedName());
    i.provides.add(rel(t));
    i.removes.add(rel(t));
    return i.obj("table " + t.qualifiedName());
  }

  private static String constraintKind(Constraint c) {
    if (c instanceof Constraint.PrimaryKey) {
      return "primary key";
    }
    if (c instanceof Constraint.Unique) {
      return "unique constraint";
    }
    if (c instanceof Constraint.ForeignKey) {
      return "foreign key";
    }
    if (c instanceof Constraint.Check) {
      return "check constraint";
    }
    return "exclusion constraint";
  }

  private static String domainChanges(dev.lockplane.schema.Domain from, dev.lockplane.schema.Domain to) {
    List<String> what = new ArrayList<>();
    if (!java.util.Objects.equals(from.defaultValue(), to.defaultValue())) {
      what.add("default " + from.defaultValue() + " -> " + to.defaultValue());
    }
    if (from.notNull() != to.notNull()) {
      what.add(to.notNull() ? "set not null" : "drop not null");
    }
    var before = new java.util.HashMap<String, Constraint.Check>();
    from.checks().forEach(c -> before.put(c.name(), c));
    for (Constraint.Check c : to.checks()) {
      Constraint.Check was = before.remove(c.name());
      if (was == null) {
        what.add("add check " + c.name());
      } else if (!was.withoutComment().equals(c.withoutComment())) {
        what.add("replace check " + c.name());
      }
    }
    before.keySet().stream().sorted().forEach(k -> what.add("drop check " + k));
    return what.isEmpty() ? "comment" : String.join("; ", what);
  }

  static String columnChanges(Column from, Column to) {
    StringBuilder b = new StringBuilder();
    if (!from.type().equals(to.type())) {
      b.append("type ").append(from.type()).append(" -> ").append(to.type()).append("; ");
    }
    if (!java.util.Objects.equals(from.collation(), to.collation())) {
      b.append("collation ").append(from.collation()).append(" -> ").append(to.collation()).append("; ");
    }
    if (from.notNull() != to.notNull()) {
      b.append(to.notNull() ? "set not null; " : "drop not null; ");
    }
    if (!java.util.Objects.equals(from.defaultValue(), to.defaultValue())) {
      b.append("default ").append(from.defaultValue()).append(" -> ").append(to.defaultValue()).append("; ");
    }
    if (from.identity() != to.identity()) {
      b.append("identity ").append(from.identity()).append(" -> ").append(to.identity()).append("; ");
    }
    return b.length() == 0 ? "no change" : b.substring(0, b.length() - 2);
  }
}
