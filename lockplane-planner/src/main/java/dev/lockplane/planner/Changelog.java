package dev.lockplane.planner;

import dev.lockplane.internal.planner.SchemaJson;
import dev.lockplane.plan.HistoryEntry;
import dev.lockplane.plan.Plan;
import dev.lockplane.plan.Step;
import dev.lockplane.safety.ReportFormat;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import javax.sql.DataSource;

/**
 * A human-readable changelog of a database, made from its history: per successful apply, oldest
 * first, what it changed, grouped by table ("orders: added email_verified_at, dropped is_verified").
 * Failed and interrupted applies are left out, since they changed nothing that stayed.
 *
 * <pre>{@code
 * Changelog log = Changelog.of(planner, stagingDataSource);
 * System.out.print(log.render(ReportFormat.MARKDOWN));
 * }</pre>
 *
 * @param entries the successful applies, oldest first
 */
public record Changelog(List<Entry> entries) {
  private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'")
      .withZone(ZoneOffset.UTC);

  /**
   * One successful apply.
   *
   * @param historyId the history entry's id
   * @param applied when it started
   * @param user the database user that applied it, or null when not recorded
   * @param clientHost the client's host name, or null when not recorded
   * @param changes what it changed, per table (or other object), in plan order
   */
  public record Entry(long historyId, Instant applied, String user, String clientHost, List<ObjectChanges> changes) {
    /** Copies the list. */
    public Entry {
      changes = List.copyOf(changes);
    }
  }

  /**
   * What one apply changed on one object.
   *
   * @param object the table ({@code orders}, or {@code schema.table} outside {@code public}) or
   *     another object ({@code index sales.orders_at})
   * @param changes the changes in words, in plan order ("added email_verified_at")
   */
  public record ObjectChanges(String object, List<String> changes) {
    /** Copies the list. */
    public ObjectChanges {
      changes = List.copyOf(changes);
    }
  }

  /** Copies the list. */
  public Changelog {
    entries = List.copyOf(entries);
  }

  /**
   * Reads a database's history and the plans it recorded.
   *
   * @param planner a planner
   * @param target the database
   * @return the changelog; empty when nothing was applied
   */
  public static Changelog of(Planner planner, DataSource target) {
    List<Entry> entries = new ArrayList<>();
    for (HistoryEntry h : planner.history(target)) {
      if (h.outcome() == HistoryEntry.Outcome.APPLIED) {
        Plan plan = planner.historyPlan(target, h.id()).orElse(null);
        entries.add(new Entry(h.id(), h.started(), h.user(), h.clientHost(),
            plan == null ? List.of() : changes(plan)));
      }
    }
    return new Changelog(entries);
  }

  /**
   * What a plan changes, per object, in words.
   *
   * @param plan the plan
   * @return the changes, objects in the order the plan first touches them
   */
  public static List<ObjectChanges> changes(Plan plan) {
    Map<String, List<String>> byObject = new LinkedHashMap<>();
    Set<String> created = new HashSet<>();
    for (Step s : plan.steps()) {
      String table = null;
      String column = null;
      for (String o : s.objects()) {
        if (o.startsWith("column ")) {
          String qualified = o.substring(7);
          table = qualified.substring(0, qualified.lastIndexOf('.'));
          column = qualified.substring(qualified.lastIndexOf('.') + 1);
          break;
        }
        if (o.startsWith("table ")) {
          // The subject of a step that names two tables (a foreign key) is the last one.
          table = o.substring(6);
        }
      }
      if (table != null && created.contains(table) && !s.operation().equals("drop_table")) {
        continue; // its keys, indexes and comments are part of "created"
      }
      if (s.operation().equals("create_table")) {
        created.add(table);
      }
      String object = table != null ? label(table) : s.objects().isEmpty() ? "schema" : label(s.objects().get(0));
      String words = switch (s.operation()) {
        case "create_table" -> "created";
        case "drop_table" -> "dropped";
        case "rename_table" -> s.description().replaceFirst("^Rename table \\S+ to ", "renamed to ");
        case "add_column" -> "added " + column;
        case "drop_column" -> "dropped " + column;
        case "alter_column" -> "altered " + column + between(s.description());
        case "rename_column" -> "renamed " + s.renamedFrom() + " to " + column;
        default -> {
          String d = table == null ? s.description()
              : s.description().replaceFirst(" (to|from|on|of) " + Pattern.quote(table) + "(?=$| \\()", "");
          yield Character.toLowerCase(d.charAt(0)) + d.substring(1);
        }
      };
      if (s.operation().equals("rename_table")) {
        object = label(s.objects().get(0).substring(6));
      }
      byObject.computeIfAbsent(object, k -> new ArrayList<>()).add(words);
    }
    List<ObjectChanges> result = new ArrayList<>();
    byObject.forEach((o, c) -> result.add(new ObjectChanges(o, c)));
    return result;
  }

  /**
   * Renders the changelog: text (one paragraph per apply), Markdown (a heading per apply, a bullet
   * per table) or the Lockplane JSON document (sorted keys).
   *
   * @param format the format
   * @return the text, ending with a newline
   */
  public String render(ReportFormat format) {
    return switch (Objects.requireNonNull(format, "format")) {
      case TEXT -> text();
      case MARKDOWN -> markdown();
      case JSON -> json();
    };
  }

  private String text() {
    if (entries.isEmpty()) {
      return "no applies recorded\n";
    }
    StringBuilder b = new StringBuilder();
    for (Entry e : entries) {
      b.append('#').append(e.historyId()).append("  ").append(WHEN.format(e.applied())).append("  by ")
          .append(who(e)).append('\n');
      for (ObjectChanges c : e.changes()) {
        b.append("  ").append(c.object()).append(": ").append(String.join(", ", c.changes())).append('\n');
      }
      if (e.changes().isEmpty()) {
        b.append("  (no changes recorded)\n");
      }
    }
    return b.toString();
  }

  private String markdown() {
    StringBuilder b = new StringBuilder("### Changelog\n\n");
    if (entries.isEmpty()) {
      return b.append("No applies recorded.\n").toString();
    }
    for (int i = entries.size() - 1; i >= 0; i--) {
      Entry e = entries.get(i);
      b.append("#### ").append(WHEN.format(e.applied())).append(" (#").append(e.historyId()).append(", ")
          .append(who(e)).append(")\n\n");
      for (ObjectChanges c : e.changes()) {
        b.append("- **").append(c.object()).append("**: ").append(String.join(", ", c.changes())).append('\n');
      }
      b.append('\n');
    }
    return b.toString();
  }

  private String json() {
    List<Map<String, Object>> list = new ArrayList<>();
    for (Entry e : entries) {
      Map<String, Object> m = new TreeMap<>();
      m.put("historyId", e.historyId());
      m.put("applied", e.applied().toString());
      if (e.user() != null) {
        m.put("user", e.user());
      }
      if (e.clientHost() != null) {
        m.put("clientHost", e.clientHost());
      }
      List<Map<String, Object>> changes = new ArrayList<>();
      for (ObjectChanges c : e.changes()) {
        changes.add(new TreeMap<>(Map.of("object", c.object(), "changes", c.changes())));
      }
      m.put("changes", changes);
      list.add(m);
    }
    return SchemaJson.write("changelog", list);
  }

  private static String who(Entry e) {
    return (e.user() == null ? "?" : e.user()) + "@" + (e.clientHost() == null ? "?" : e.clientHost());
  }

  private static String label(String name) {
    String n = name.startsWith("table ") ? name.substring(6) : name;
    return n.startsWith("public.") ? n.substring(7) : n;
  }

  /** " (type integer -> bigint)" from a step description, or "" when it has none. */
  private static String between(String description) {
    int from = description.indexOf('(');
    int depth = 0;
    for (int i = Math.max(from, 0); from >= 0 && i < description.length(); i++) {
      depth += description.charAt(i) == '(' ? 1 : description.charAt(i) == ')' ? -1 : 0;
      if (depth == 0) {
        return " " + description.substring(from, i + 1);
      }
    }
    return "";
  }
}
