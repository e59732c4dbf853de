package dev.lockplane.planner;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lockplane.ErrorCode;
import dev.lockplane.LockplaneException;
import dev.lockplane.clone.Script;
import dev.lockplane.internal.planner.OwnershipComments;
import dev.lockplane.internal.planner.OwnershipReview;
import dev.lockplane.internal.planner.SchemaJson;
import dev.lockplane.plan.Plan;
import dev.lockplane.schema.Column;
import dev.lockplane.schema.DatabaseSchema;
import dev.lockplane.schema.Table;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Who owns which tables and columns, who reads them, and which columns are on their way out, as the
 * desired state declares it: {@code -- lockplane: owner=billing, consumers=reporting, mobile-app}
 * comments in SQL, or the {@code ownership} object of a Lockplane JSON document. The declarations are
 * kept apart from the schema model, so a deprecation can outlive its column: keep it until its date
 * has passed, and a plan that drops the column earlier gets a finding.
 *
 * <p>A plan made with {@link Planner#plan(javax.sql.DataSource, Desired)} is reviewed automatically
 * ({@link #review}): every breaking step (a drop, a rename, a type change, SET NOT NULL) lists the
 * consumers of what it breaks (rule {@value #BREAKS_CONSUMERS}), and dropping a deprecated column on or
 * before its {@code removeAfter} date is a finding (rule {@value #DROP_BEFORE_DATE}).
 *
 * @param objects per object ({@code schema.table} or {@code schema.table.column}), sorted
 */
public record Ownership(Map<String, Owned> objects) {
  /** The rule id of a breaking step's finding that lists the consumers it affects. */
  public static final String BREAKS_CONSUMERS = "breaks-consumers";
  /** The rule id of dropping a deprecated column on or before its removal date. */
  public static final String DROP_BEFORE_DATE = "deprecated-dropped-early";

  /**
   * What is declared about one table or column.
   *
   * @param owner the owning team or service, or null
   * @param consumers who reads it (services, teams, reports), sorted
   * @param deprecated its deprecation, or null
   */
  public record Owned(String owner, List<String> consumers, Deprecation deprecated) {
    /** Copies the list. */
    public Owned {
      consumers = consumers == null ? List.of() : List.copyOf(consumers);
    }
  }

  /**
   * A deprecated column (or table).
   *
   * @param removeAfter the first day after which it may be removed, or null when undated
   * @param reason why, or null
   * @param replacement what to use instead, or null
   */
  public record Deprecation(LocalDate removeAfter, String reason, String replacement) {}

  /** Copies the map, sorted by object. */
  public Ownership {
    objects = new TreeMap<>(objects);
  }

  /**
   * Declares nothing.
   *
   * @return an empty declaration
   */
  public static Ownership none() {
    return new Ownership(Map.of());
  }

  /**
   * Reads the declarations of a desired state: its SQL comments, or its JSON document's {@code
   * ownership} object. A model given with {@link Desired#schema} declares nothing.
   *
   * @param desired the desired state
   * @return the declarations
   * @throws LockplaneException ({@link ErrorCode#INVALID_INPUT}) for a malformed declaration, with
   *     the script and line or the JSON path
   */
  public static Ownership of(Desired desired) {
    Map<String, Owned> objects = new TreeMap<>();
    if (desired.json() != null) {
      readJson(desired.json(), desired.jsonName(), objects);
    }
    for (Script s : desired.scripts() == null ? List.<Script>of() : desired.scripts()) {
      for (OwnershipComments.Annotation a : OwnershipComments.read(s.name(), s.sql())) {
        merge(objects, a.object(), owned(a.values(), a.where()), a.where());
      }
    }
    return new Ownership(objects);
  }

  /**
   * The declaration of an object.
   *
   * @param object {@code schema.table} or {@code schema.table.column}
   * @return what is declared, if anything
   */
  public Optional<Owned> get(String object) {
    return Optional.ofNullable(objects.get(object));
  }

  /**
   * The consumers of a table, or of a column: the table's and the column's own.
   *
   * @param table {@code schema.table}
   * @param column the column name, or null for the table alone
   * @return the consumers, sorted, without duplicates
   */
  public List<String> consumers(String table, String column) {
    Set<String> all = new java.util.TreeSet<>();
    get(table).ifPresent(o -> all.addAll(o.consumers()));
    if (column != null) {
      get(table + "." + column).ifPresent(o -> all.addAll(o.consumers()));
    }
    return List.copyOf(all);
  }

  /**
   * Adds this declaration's findings to a plan's assessed steps (those with a risk report): the
   * consumers of what each breaking step breaks, and deprecated columns dropped too early. The SQL
   * and the digest are unchanged.
   *
   * @param plan the plan
   * @param today the date the plan is reviewed on
   * @return the plan with the findings
   */
  public Plan review(Plan plan, LocalDate today) {
    return OwnershipReview.review(this, plan, Objects.requireNonNull(today, "today"));
  }

  /**
   * The deprecated columns of a live schema that are past their removal date.
   *
   * @param live the live schema
   * @param today the date
   * @return one sentence per column, sorted ("public.orders.is_verified: deprecated, past its removal
   *     date 2026-01-31 (use email_verified_at); replace it with email_verified_at")
   */
  public List<String> pastRemoval(DatabaseSchema live, LocalDate today) {
    List<String> result = new ArrayList<>();
    for (Table t : live.tables()) {
      for (Column c : t.columns()) {
        Owned o = objects.get(t.qualifiedName() + "." + c.name());
        if (o != null && o.deprecated() != null && o.deprecated().removeAfter() != null
            && today.isAfter(o.deprecated().removeAfter())) {
          Deprecation d = o.deprecated();
          result.add(t.qualifiedName() + "." + c.name() + ": deprecated, past its removal date " + d.removeAfter()
              + (d.reason() == null ? "" : " (" + d.reason() + ")")
              + (d.replacement() == null ? "" : "; replace it with " + d.replacement())
              + (o.consumers().isEmpty() ? "" : "; still declared as read by " + String.join(", ", o.consumers())));
        }
      }
    }
    result.sort(null);
    return result;
  }

  private static Owned owned(Map<String, List<String>> v, String where) {
    Deprecation d = null;
    if (v.containsKey("deprecated") || v.containsKey("removeAfter") || v.containsKey("reason")
        || v.containsKey("replacement")) {
      d = new Deprecation(date(first(v, "removeAfter"), where), first(v, "reason"), first(v, "replacement"));
    }
    List<String> consumers = v.getOrDefault("consumers", List.of()).stream().map(String::trim)
        .filter(c -> !c.isEmpty()).sorted().distinct().toList();
    return new Owned(first(v, "owner"), consumers, d);
  }

  private static String first(Map<String, List<String>> v, String key) {
    List<String> l = v.get(key);
    return l == null || l.isEmpty() || l.get(0).isEmpty() ? null : l.get(0);
  }

  private static LocalDate date(String text, String where) {
    try {
      return text == null ? null : LocalDate.parse(text);
    } catch (DateTimeParseException e) {
      throw new LockplaneException(ErrorCode.INVALID_INPUT, where + ": removeAfter '" + text
          + "' is not a date (write it as 2026-12-31).", e);
    }
  }

  private static void merge(Map<String, Owned> objects, String object, Owned o, String where) {
    Owned before = objects.get(object);
    if (before == null) {
      objects.put(object, o);
      return;
    }
    if (before.owner() != null && o.owner() != null && !before.owner().equals(o.owner())
        || before.deprecated() != null && o.deprecated() != null) {
      throw new LockplaneException(ErrorCode.INVALID_INPUT, where + ": " + object
          + " is declared twice with different owners or deprecations; declare it once.");
    }
    Set<String> consumers = new LinkedHashSet<>(before.consumers());
    consumers.addAll(o.consumers());
    objects.put(object, new Owned(before.owner() != null ? before.owner() : o.owner(),
        consumers.stream().sorted().toList(), before.deprecated() != null ? before.deprecated() : o.deprecated()));
  }

  private static void readJson(String json, String source, Map<String, Owned> objects) {
    JsonNode ownership = SchemaJson.ownership(json);
    if (ownership == null) {
      return;
    }
    String base = source + ": $.ownership";
    if (!ownership.isObject()) {
      throw new LockplaneException(ErrorCode.INVALID_INPUT, base + ": expected an object keyed by schema.table or "
          + "schema.table.column.");
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = ownership.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      String where = base + "." + e.getKey();
      Map<String, List<String>> v = new TreeMap<>();
      for (Iterator<Map.Entry<String, JsonNode>> f = e.getValue().fields(); f.hasNext(); ) {
        Map.Entry<String, JsonNode> field = f.next();
        switch (field.getKey()) {
          case "owner" -> v.put("owner", List.of(field.getValue().asText()));
          case "consumers" -> {
            List<String> list = new ArrayList<>();
            field.getValue().forEach(n -> list.add(n.asText()));
            v.put("consumers", list);
          }
          case "deprecated" -> {
            v.put("deprecated", List.of());
            for (Iterator<Map.Entry<String, JsonNode>> d = field.getValue().fields(); d.hasNext(); ) {
              Map.Entry<String, JsonNode> dk = d.next();
              if (!List.of("removeAfter", "reason", "replacement").contains(dk.getKey())) {
                throw new LockplaneException(ErrorCode.INVALID_INPUT, where + ".deprecated." + dk.getKey()
                    + ": unknown property (expected removeAfter, reason, replacement).");
              }
              v.put(dk.getKey(), List.of(dk.getValue().asText()));
            }
          }
          default -> throw new LockplaneException(ErrorCode.INVALID_INPUT, where + "." + field.getKey()
              + ": unknown property (expected owner, consumers, deprecated).");
        }
      }
      merge(objects, OwnershipComments.object(e.getKey(), where), owned(v, where), where);
    }
  }
}
