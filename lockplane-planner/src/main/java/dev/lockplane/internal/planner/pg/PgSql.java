package dev.lockplane.internal.planner.pg;


import dev.lockplane.internal.planner.Operation;
import dev.lockplane.internal.planner.TypeChanges;
import dev.lockplane.internal.planner.Operation.*;
import dev.lockplane.internal.planner.Operation;
import dev.lockplane.internal.sql.Identifiers;
import dev.lockplane.schema.Column;
import dev.lockplane.schema.Constraint;
import dev.lockplane.schema.Index;
import dev.lockplane.schema.Policy;
import dev.lockplane.schema.Sequence;
import dev.lockplane.schema.Table;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/** PostgreSQL statements for each operation. */
public final class PgSql {
  private PgSql() {}

  public static List<String> render(Operation op) {
    if (op instanceof CreateSchema o) return List.of("CREATE SCHEMA " + Identifiers.quote(o.name()));
    if (op instanceof DropSchema o) return List.of("DROP SCHEMA " + Identifiers.quote(o.name()));
    if (op instanceof CreateExtension o) return List.of("CREATE EXTENSION IF NOT EXISTS " + Identifiers.quote(o.extension().name())
          + (o.extension().schema() == null ? "" : " WITH SCHEMA " + Identifiers.quote(o.extension().schema())));
    if (op instanceof DropExtension o) return List.of("DROP EXTENSION " + Identifiers.quote(o.extension().name()));
    if (op instanceof CreateEnum o) return List.of("CREATE TYPE " + Identifiers.qualified(o.type().schema(), o.type().name()) + " AS ENUM ("
          + o.type().labels().stream().map(l -> Identifiers.literal(l)).collect(Collectors.joining(", ")) + ")");
    if (op instanceof DropEnum o) return List.of("DROP TYPE " + Identifiers.qualified(o.type().schema(), o.type().name()));
    if (op instanceof AddEnumValue o) return List.of("ALTER TYPE " + Identifiers.qualified(o.type().schema(), o.type().name())
          + " ADD VALUE " + Identifiers.literal(o.label())
          + (o.neighbor() == null ? "" : (o.after() ? " AFTER " : " BEFORE ") + Identifiers.literal(o.neighbor())));
    if (op instanceof RecreateEnum o) {
      String name = Identifiers.qualified(o.to().schema(), o.to().name());
      String old = o.to().name() + "__lockplane_old";
      List<String> s = new ArrayList<>();
      s.add("ALTER TYPE " + name + " RENAME TO " + Identifiers.quote(old));
      s.add("CREATE TYPE " + name + " AS ENUM ("
          + o.to().labels().stream().map(l -> Identifiers.literal(l)).collect(Collectors.joining(", ")) + ")");
      for (ColumnUse u : o.uses()) {
        Column c = u.column();
        String col = Identifiers.quote(c.name());
        String dims = c.type().substring(c.type().indexOf("[") < 0 ? c.type().length() : c.type().indexOf("["));
        String alter = "ALTER TABLE " + name(u.table()) + " ";
        s.add(alter + "ALTER COLUMN " + col + " DROP DEFAULT");
        s.add(alter + "ALTER COLUMN " + col + " TYPE " + name + dims + " USING " + col + "::text" + dims + "::" + name + dims);
        if (c.defaultValue() != null) {
          // The target default, cast to the new type (its text may name the type as the old one was named).
          s.add(alter + "ALTER COLUMN " + col + " SET DEFAULT " + c.defaultValue().replaceAll("::[\\w.\"]+(\\[\\])*$", "") + "::" + name + dims);
        }
      }
      s.add("DROP TYPE " + Identifiers.qualified(o.to().schema(), old));
      return s;
    }
    if (op instanceof CreateDomain o) return List.of(createDomain(o.domain()));
    if (op instanceof AlterDomain o) return alterDomain(o.from(), o.to());
    if (op instanceof DropDomain o) return List.of("DROP DOMAIN " + Identifiers.qualified(o.domain().schema(), o.domain().name()));
    if (op instanceof RetypeDomain o) return PgTypeShapes.retypeDomain(o);
    if (op instanceof AlterComposite o) return PgTypeShapes.alterComposite(o);
    if (op instanceof CreateComposite o) return List.of(createComposite(o.type()));
    if (op instanceof DropComposite o) return List.of("DROP TYPE " + Identifiers.qualified(o.type().schema(), o.type().name()));
    if (op instanceof CreateSequence o) return List.of("CREATE SEQUENCE " + Identifiers.qualified(o.sequence().schema(), o.sequence().name())
          + sequenceOptions(o.sequence()));
    if (op instanceof AlterSequence o) return List.of("ALTER SEQUENCE " + Identifiers.qualified(o.to().schema(), o.to().name())
          + sequenceOptions(o.to()));
    if (op instanceof DropSequence o) return List.of("DROP SEQUENCE IF EXISTS " + Identifiers.qualified(o.sequence().schema(), o.sequence().name()));
    if (op instanceof SetSequenceOwner o) return List.of("ALTER SEQUENCE " + Identifiers.qualified(o.sequence().schema(), o.sequence().name())
          + " OWNED BY " + (o.sequence().ownedBy() == null ? "NONE" : ownerColumn(o.sequence().ownedBy())));
    if (op instanceof CreateTable o) return List.of(createTable(o.table()));
    if (op instanceof DropTable o) return List.of("DROP TABLE " + name(o.table()));
    if (op instanceof RenameTable o) return List.of("ALTER TABLE " + name(o.table()) + " RENAME TO " + Identifiers.quote(o.newName()));
    if (op instanceof RebuildTable) throw new UnsupportedOperationException("PostgreSQL alters tables in place");
    if (op instanceof AddColumn o) return List.of("ALTER TABLE " + name(o.table()) + " ADD COLUMN " + columnDefinition(o.table(), o.column()));
    if (op instanceof DropColumn o) return List.of("ALTER TABLE " + name(o.table()) + " DROP COLUMN " + Identifiers.quote(o.column().name()));
    if (op instanceof RenameColumn o) return List.of("ALTER TABLE " + name(o.table()) + " RENAME COLUMN " + Identifiers.quote(o.from())
          + " TO " + Identifiers.quote(o.to()));
    if (op instanceof AlterColumn o) return alterColumnSteps(o.table(), o.from(), o.to());
    if (op instanceof AddConstraint o) return List.of("ALTER TABLE " + name(o.table()) + " ADD CONSTRAINT "
          + Identifiers.quote(o.constraint().name()) + " " + constraintDefinition(o.constraint()));
    if (op instanceof ValidateConstraint o) return List.of("ALTER TABLE " + name(o.table()) + " VALIDATE CONSTRAINT "
          + Identifiers.quote(o.constraint().name()));
    if (op instanceof DropConstraint o) return List.of("ALTER TABLE " + name(o.table()) + " DROP CONSTRAINT " + Identifiers.quote(o.constraint().name()));
    if (op instanceof CreateIndex o) return List.of(createIndex(o.schema(), o.relation(), o.index()));
    if (op instanceof DropIndex o) return List.of("DROP INDEX " + Identifiers.qualified(o.schema(), o.index().name()));
    if (op instanceof CreateView o) return List.of("CREATE " + (o.view().materialized() ? "MATERIALIZED " : "") + "VIEW "
          + Identifiers.qualified(o.view().schema(), o.view().name()) + " AS\n" + stripSemicolon(o.view().definition()));
    if (op instanceof DropView o) return List.of("DROP " + (o.view().materialized() ? "MATERIALIZED " : "") + "VIEW "
          + Identifiers.qualified(o.view().schema(), o.view().name()));
    if (op instanceof CreateRoutine o) return List.of(stripSemicolon(o.routine().definition()));
    if (op instanceof DropRoutine o) return List.of("DROP " + o.routine().kind().name() + " "
          + Identifiers.qualified(o.routine().schema(), o.routine().name()) + "(" + o.routine().sqlArguments() + ")");
    if (op instanceof CreateTrigger o) {
        List<String> s = new ArrayList<>();
        s.add(o.trigger().definition());
        if (!o.trigger().enabled()) {
          s.add("ALTER TABLE " + name(o.table()) + " DISABLE TRIGGER " + Identifiers.quote(o.trigger().name()));
        }
        return s;
      }
    if (op instanceof DropTrigger o) return List.of("DROP TRIGGER " + Identifiers.quote(o.trigger().name()) + " ON " + name(o.table()));
    if (op instanceof CreatePolicy o) return List.of(createPolicy(o.table(), o.policy()));
    if (op instanceof DropPolicy o) return List.of("DROP POLICY " + Identifiers.quote(o.policy().name()) + " ON " + name(o.table()));
    if (op instanceof SetRowSecurity o) return List.of(
          "ALTER TABLE " + name(o.table()) + (o.table().rowSecurity() ? " ENABLE" : " DISABLE") + " ROW LEVEL SECURITY",
          "ALTER TABLE " + name(o.table()) + (o.table().forceRowSecurity() ? " FORCE" : " NO FORCE") + " ROW LEVEL SECURITY");
    if (op instanceof SetTableStorage o) return setTableStorage(o.from(), o.to());
    if (op instanceof SetComment o) return List.of("COMMENT ON " + o.objectType() + " " + o.target() + " IS " + Identifiers.literal(o.comment()));
    throw new IllegalArgumentException("Unknown operation " + op);
  }

  /** The CREATE DOMAIN statement of a domain. */
  static String createDomain(dev.lockplane.schema.Domain d) {
    return createDomain(d, Identifiers.qualified(d.schema(), d.name()));
  }

  /** The CREATE DOMAIN statement of a domain under the (qualified, quoted) name given. */
  static String createDomain(dev.lockplane.schema.Domain d, String name) {
    StringBuilder b = new StringBuilder("CREATE DOMAIN " + name + " AS " + d.baseType());
    if (d.collation() != null) {
      b.append(" COLLATE ").append(d.collation());
    }
    if (d.defaultValue() != null) {
      b.append(" DEFAULT ").append(d.defaultValue());
    }
    if (d.notNull()) {
      b.append(" NOT NULL");
    }
    for (Constraint.Check c : d.checks()) {
      b.append(" CONSTRAINT ").append(Identifiers.quote(c.name())).append(" CHECK ").append(paren(c.expression()));
    }
    return b.toString();
  }

  /** The CREATE TYPE statement of a composite type. */
  static String createComposite(dev.lockplane.schema.CompositeType t) {
    return "CREATE TYPE " + Identifiers.qualified(t.schema(), t.name()) + " AS ("
        + t.attributes().stream().map(PgSql::attribute).collect(Collectors.joining(", ")) + ")";
  }

  /** An attribute's name, type and collation, as CREATE TYPE and ADD ATTRIBUTE spell them. */
  static String attribute(dev.lockplane.schema.CompositeType.Attribute a) {
    return Identifiers.quote(a.name()) + " " + a.type() + (a.collation() == null ? "" : " COLLATE " + a.collation());
  }

  static String name(Table t) {
    return Identifiers.qualified(t.schema(), t.name());
  }

  private static String ownerColumn(String dotted) {
    String[] p = dotted.split("\\.", 3);
    return Identifiers.qualified(p[0], p[1]) + "." + Identifiers.quote(p[2]);
  }

  static String stripSemicolon(String s) {
    String t = s.strip();
    while (t.endsWith(";")) {
      t = t.substring(0, t.length() - 1).strip();
    }
    return t;
  }

  static String paren(String expr) {
    return expr.startsWith("(") && expr.endsWith(")") ? expr : "(" + expr + ")";
  }

  private static String sequenceOptions(Sequence s) {
    return " AS " + s.type() + " INCREMENT BY " + s.increment() + " MINVALUE " + s.minValue()
        + " MAXVALUE " + s.maxValue() + " START WITH " + s.start() + " CACHE " + s.cache()
        + (s.cycle() ? " CYCLE" : " NO CYCLE");
  }

  private static String createTable(Table t) {
    String create = "CREATE " + (t.unlogged() ? "UNLOGGED " : "") + "TABLE " + name(t);
    String with = t.storageParameters().isEmpty() ? "" : " WITH (" + String.join(", ", t.storageParameters()) + ")";
    if (t.partitionOf() != null) {
      // a partition may itself be partitioned (sub-partitions)
      return create + " PARTITION OF " + Identifiers.qualified(t.partitionOf()) + partitionColumns(t) + " "
          + t.partitionBound() + (t.partitionKey() == null ? "" : " PARTITION BY " + t.partitionKey()) + with;
    }
    String cols = t.columns().stream().map(c -> "    " + columnDefinition(t, c)).collect(Collectors.joining(",\n"));
    return create + " (\n" + cols + (cols.isEmpty() ? "" : "\n") + ")"
        + (t.partitionKey() == null ? "" : " PARTITION BY " + t.partitionKey()) + with;
  }

  /**
   * The column options of a partition's own defaults and NOT NULLs; {@code DEFAULT NULL} leaves the
   * partition without the default it would copy from its parent.
   */
  private static String partitionColumns(Table t) {
    if (t.partitionColumns().isEmpty()) {
      return "";
    }
    return " (" + t.partitionColumns().stream().map(c -> Identifiers.quote(c.name()) + " DEFAULT "
        + (c.defaultValue() == null ? "NULL" : c.defaultValue()) + (c.notNull() ? " NOT NULL" : ""))
        .collect(Collectors.joining(", ")) + ")";
  }

  private static List<String> setTableStorage(Table from, Table to) {
    List<String> s = new ArrayList<>();
    if (from.unlogged() != to.unlogged()) {
      s.add("ALTER TABLE " + name(to) + " SET " + (to.unlogged() ? "UNLOGGED" : "LOGGED"));
    }
    List<String> reset = from.storageParameters().stream().map(p -> p.substring(0, p.indexOf('=')))
        .filter(k -> to.storageParameters().stream().noneMatch(p -> p.startsWith(k + "="))).toList();
    if (!reset.isEmpty()) {
      s.add("ALTER TABLE " + name(to) + " RESET (" + String.join(", ", reset) + ")");
    }
    List<String> set = to.storageParameters().stream().filter(p -> !from.storageParameters().contains(p)).toList();
    if (!set.isEmpty()) {
      s.add("ALTER TABLE " + name(to) + " SET (" + String.join(", ", set) + ")");
    }
    return s;
  }

  static String columnDefinition(Table t, Column c) {
    StringBuilder b = new StringBuilder(Identifiers.quote(c.name())).append(' ').append(c.type());
    if (c.collation() != null) {
      b.append(" COLLATE ").append(c.collation());
    }
    if (c.generated() != null) {
      b.append(" GENERATED ALWAYS AS ").append(paren(c.generated())).append(c.virtual() ? " VIRTUAL" : " STORED");
    }
    if (c.identity() != null) {
      b.append(c.identity() == Column.Identity.ALWAYS ? " GENERATED ALWAYS AS IDENTITY" : " GENERATED BY DEFAULT AS IDENTITY")
          .append(c.identityOptions() == null ? "" : " (" + c.identityOptions() + ")");
    }
    if (c.defaultValue() != null) {
      b.append(" DEFAULT ").append(c.defaultValue());
    }
    if (c.notNull() && c.identity() == null) {
      b.append(namedNotNull(t, c) ? " CONSTRAINT " + Identifiers.quote(c.notNullName()) : "").append(" NOT NULL");
    }
    return b.toString();
  }

  /** Whether a NOT NULL column's constraint has a name of its own, not the one PostgreSQL 18 would choose. */
  private static boolean namedNotNull(Table t, Column c) {
    return c.notNullName() != null && !c.notNullName().equals(Column.defaultNotNullName(t.name(), c.name()));
  }

  /** The ALTER TABLE of a column's changes, then the rename of its NOT NULL constraint (a statement of its own). */
  private static List<String> alterColumnSteps(Table t, Column from, Column to) {
    List<String> out = new ArrayList<>();
    String rename = null;
    if (dev.lockplane.internal.planner.Differ.notNullRenamed(from, to)) {
      rename = from.notNullName();
    } else if (to.notNull() && !from.notNull() && namedNotNull(t, to)) {
      rename = Column.defaultNotNullName(t.name(), to.name()); // the name SET NOT NULL gives it
    }
    String alter = alterColumn(t, from, to);
    if (alter != null) {
      out.add(alter);
    }
    if (rename != null) {
      out.add("ALTER TABLE " + name(t) + " RENAME CONSTRAINT " + Identifiers.quote(rename) + " TO "
          + Identifiers.quote(to.notNullName()));
    }
    return out;
  }

  private static String alterColumn(Table t, Column from, Column to) {
    String col = Identifiers.quote(to.name());
    List<String> parts = new ArrayList<>();
    boolean defaultChanged = !Objects.equals(from.defaultValue(), to.defaultValue());
    if (from.identity() != null && to.identity() == null) {
      parts.add("ALTER COLUMN " + col + " DROP IDENTITY");
    }
    if (defaultChanged && from.defaultValue() != null) {
      parts.add("ALTER COLUMN " + col + " DROP DEFAULT");
    }
    if (!from.type().equals(to.type()) || !Objects.equals(from.collation(), to.collation())) {
      parts.add("ALTER COLUMN " + col + " TYPE " + to.type()
          + (to.collation() == null ? "" : " COLLATE " + to.collation())
          // Between string types the assignment cast fails on a value too long, where an explicit cast would cut it.
          + (from.type().equals(to.type()) || TypeChanges.bothStrings(from.type(), to.type()) ? ""
              : " USING " + col + "::" + to.type()));
    }
    if (to.notNull() && !from.notNull()) {
      parts.add("ALTER COLUMN " + col + " SET NOT NULL");
    }
    if (defaultChanged && to.defaultValue() != null) {
      parts.add("ALTER COLUMN " + col + " SET DEFAULT " + to.defaultValue());
    }
    if (to.identity() != null && from.identity() == null) {
      parts.add("ALTER COLUMN " + col + " ADD GENERATED "
          + (to.identity() == Column.Identity.ALWAYS ? "ALWAYS" : "BY DEFAULT") + " AS IDENTITY"
          + (to.identityOptions() == null ? "" : " (" + to.identityOptions() + ")"));
    } else if (to.identity() != null) {
      if (from.identity() != to.identity()) {
        parts.add("ALTER COLUMN " + col + " SET GENERATED "
            + (to.identity() == Column.Identity.ALWAYS ? "ALWAYS" : "BY DEFAULT"));
      }
      if (!Objects.equals(from.identityOptions(), to.identityOptions()) || !from.type().equals(to.type())) {
        // Every option spelled out: those the target leaves at their defaults go back to them.
        parts.add("ALTER COLUMN " + col + " " + IdentityOptions.set(to.type(), to.identityOptions()));
      }
    }
    if (!to.notNull() && from.notNull()) {
      parts.add("ALTER COLUMN " + col + " DROP NOT NULL");
    }
    return parts.isEmpty() ? null : "ALTER TABLE " + name(t) + " " + String.join(", ", parts);
  }

  static String constraintDefinition(Constraint c) {
    if (c instanceof Constraint.PrimaryKey p) return "PRIMARY KEY (" + Identifiers.quoteAll(p.columns()) + ")";
    if (c instanceof Constraint.Unique u) return "UNIQUE " + (u.nullsNotDistinct() ? "NULLS NOT DISTINCT " : "")
          + "(" + Identifiers.quoteAll(u.columns()) + ")" + deferrable(u.deferrable(), u.initiallyDeferred());
    if (c instanceof Constraint.ForeignKey f) return "FOREIGN KEY (" + Identifiers.quoteAll(f.columns()) + ") REFERENCES "
          + Identifiers.qualified(f.referencedTable()) + "(" + Identifiers.quoteAll(f.referencedColumns()) + ")"
          + ("SIMPLE".equals(f.match()) ? "" : " MATCH " + f.match())
          + " ON UPDATE " + f.onUpdate() + " ON DELETE " + f.onDelete()
          + deferrable(f.deferrable(), f.initiallyDeferred()) + (f.notValid() ? " NOT VALID" : "");
    if (c instanceof Constraint.Check k) return "CHECK " + paren(k.expression()) + (k.noInherit() ? " NO INHERIT" : "")
          + (k.notValid() ? " NOT VALID" : "");
    return ((Constraint.Exclusion) c).definition();
  }

  /** Changed checks are dropped before any is added, so that a check may move to a new name. */
  private static List<String> alterDomain(dev.lockplane.schema.Domain from, dev.lockplane.schema.Domain to) {
    String alter = "ALTER DOMAIN " + Identifiers.qualified(to.schema(), to.name()) + " ";
    List<String> s = new ArrayList<>();
    java.util.Map<String, Constraint.Check> before = new java.util.LinkedHashMap<>();
    from.checks().forEach(c -> before.put(c.name(), c));
    java.util.Map<String, Constraint.Check> after = new java.util.LinkedHashMap<>();
    to.checks().forEach(c -> after.put(c.name(), c));
    before.forEach((name, c) -> {
      Constraint.Check n = after.get(name);
      if (n == null || !n.withoutComment().equals(c.withoutComment())) {
        s.add(alter + "DROP CONSTRAINT " + Identifiers.quote(name));
      }
    });
    if (!Objects.equals(from.defaultValue(), to.defaultValue())) {
      s.add(alter + (to.defaultValue() == null ? "DROP DEFAULT" : "SET DEFAULT " + to.defaultValue()));
    }
    if (from.notNull() != to.notNull()) {
      s.add(alter + (to.notNull() ? "SET NOT NULL" : "DROP NOT NULL"));
    }
    after.forEach((name, c) -> {
      Constraint.Check o = before.get(name);
      if (o == null || !o.withoutComment().equals(c.withoutComment())) {
        s.add(alter + "ADD CONSTRAINT " + Identifiers.quote(name) + " CHECK " + paren(c.expression())
            + (c.notValid() ? " NOT VALID" : ""));
      }
    });
    return s;
  }

  private static String deferrable(boolean deferrable, boolean deferred) {
    return deferrable ? (deferred ? " DEFERRABLE INITIALLY DEFERRED" : " DEFERRABLE") : "";
  }

  static String createIndex(String schema, String relation, Index i) {
    return "CREATE " + (i.unique() ? "UNIQUE " : "") + "INDEX " + Identifiers.quote(i.name()) + " ON "
        + Identifiers.qualified(schema, relation) + " USING " + i.method() + " (" + String.join(", ", i.keys()) + ")"
        + (i.include().isEmpty() ? "" : " INCLUDE (" + String.join(", ", i.include()) + ")")
        + (i.nullsNotDistinct() ? " NULLS NOT DISTINCT" : "")
        + (i.storageParameters().isEmpty() ? "" : " WITH (" + String.join(", ", i.storageParameters()) + ")")
        + (i.where() == null ? "" : " WHERE " + paren(i.where()));
  }

  private static String createPolicy(Table t, Policy p) {
    return "CREATE POLICY " + Identifiers.quote(p.name()) + " ON " + name(t) + " AS "
        + (p.permissive() ? "PERMISSIVE" : "RESTRICTIVE") + " FOR " + p.command() + " TO "
        + p.roles().stream().map(r -> "public".equals(r) ? "PUBLIC" : Identifiers.quote(r)).collect(Collectors.joining(", "))
        + (p.using() == null ? "" : " USING " + paren(p.using()))
        + (p.withCheck() == null ? "" : " WITH CHECK " + paren(p.withCheck()));
  }
}
