package dev.lockplane.internal.mask;

import dev.lockplane.golden.FakeKind;
import dev.lockplane.golden.MaskRule;
import dev.lockplane.golden.MaskedColumn;
import dev.lockplane.golden.Masking;
import dev.lockplane.internal.sql.Identifiers;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Checks masking rules against the golden's schema before anything is written, and finds the
 * columns that look personal but have no rule.
 */
final class RuleCheck {
  /** Words in a column's name that suggest personal data; matched as whole words of the name. */
  private static final Pattern PERSONAL_WORD = Pattern.compile(
      "name|firstname|lastname|surname|fullname|username|email|mail|phone|mobile|tel|fax|address|addr|street|city"
          + "|zip|postcode|postal|birth|birthday|birthdate|dob|ssn|nin|passport|iban|bic|card|cc|ccn|pan|cvv|ip|token"
          + "|password|passwd|pwd|secret|salary|tax|license|licence|geo|lat|lon|latitude|longitude");
  /** Fragments that suggest personal data wherever they occur in a name. */
  private static final Pattern PERSONAL_PART = Pattern.compile(
      "e_?mail|phone|address|birth|passw|iban|token|secret|ssn|credit|card_?num|surname|firstname|lastname");

  private RuleCheck() {}

  /**
   * Returns the problems of the rules, each naming its rule; empty when all can run.
   *
   * @param c a connection on the golden with the masking functions created
   */
  static List<String> problems(Masking masking, MaskSchema schema, Connection c) throws SQLException {
    List<String> problems = new ArrayList<>();
    for (Map.Entry<MaskedColumn, MaskRule> e : masking.rules().entrySet()) {
      MaskedColumn mc = e.getKey();
      MaskRule rule = e.getValue();
      String name = "Rule " + mc + " (" + rule.describe() + ")";
      Optional<Map<String, MaskSchema.Column>> table = schema.table(mc.schema(), mc.table());
      if (table.isEmpty()) {
        problems.add(name + ": the golden has no table " + mc.qualifiedTable() + ".");
        continue;
      }
      MaskSchema.Column col = table.get().get(mc.column());
      if (col == null) {
        problems.add(name + ": table " + mc.qualifiedTable() + " has no column " + mc.column() + " (it has "
            + String.join(", ", table.get().keySet()) + ").");
        continue;
      }
      if (col.partition()) {
        problems.add(name + ": " + mc.qualifiedTable() + " is a partition; give the rule to its partitioned table.");
        continue;
      }
      String typeProblem = typeProblem(rule, col);
      if (typeProblem != null) {
        problems.add(name + ": " + typeProblem);
        continue;
      }
      String expr = MaskSql.expression(rule, col);
      if (expr != null) {
        // parse and type-check the statement without running it
        try (Statement s = c.createStatement()) {
          s.execute("EXPLAIN UPDATE " + Identifiers.qualified(col.schema(), col.table()) + " SET "
              + Identifiers.quote(col.name()) + " = " + expr);
        } catch (SQLException ex) {
          problems.add(name + ": PostgreSQL refuses it: " + firstLine(ex.getMessage()));
        }
      }
    }
    return problems;
  }

  /** What makes a rule unable to produce a column's values, or null. */
  private static String typeProblem(MaskRule rule, MaskSchema.Column col) {
    String type = col.type();
    String declared = "column " + col + " is " + col.formatted();
    if (col.generated() && !(rule instanceof MaskRule.Keep)) {
      return col + " is a generated column; mask the columns it is computed from.";
    }
    if (rule instanceof MaskRule.SetNull && col.notNull()) {
      return col + " is NOT NULL; use a constant or a fake instead.";
    }
    if (col.unique() && (rule instanceof MaskRule.Constant || rule instanceof MaskRule.Partial
        || rule instanceof MaskRule.Shuffle || rule instanceof MaskRule.Fake f && f.kind() == FakeKind.DATE_OF_BIRTH)) {
      return col + " is covered by a unique index, which " + rule.describe()
          + " cannot keep unique; use hash or a fake (fakes of unique columns embed a hash-derived part).";
    }
    if (rule instanceof MaskRule.Hash) {
      boolean ok = MaskSql.INTEGERS.contains(type) || "uuid".equals(type) || "bytea".equals(type)
          || MaskSql.TEXT.contains(type) && (col.maxLength() < 0 || col.maxLength() >= 32);
      return ok ? null : declared + "; hash writes text (32 characters or more), smallint, integer, bigint, uuid or bytea.";
    }
    if (rule instanceof MaskRule.Partial) {
      return MaskSql.TEXT.contains(type) ? null : declared + "; partial keeps characters of text columns only.";
    }
    if (rule instanceof MaskRule.Fake f) {
      if (f.kind() == FakeKind.DATE_OF_BIRTH) {
        return MaskSql.DATES.contains(type) ? null : declared + "; date_of_birth shifts date and timestamp columns only.";
      }
      if (f.kind() == FakeKind.IP_ADDRESS && MaskSql.ADDRESSES.contains(type)) {
        return null;
      }
      if (!MaskSql.TEXT.contains(type)) {
        return declared + "; " + f.describe() + " writes text" + (f.kind() == FakeKind.IP_ADDRESS ? " or inet" : "") + ".";
      }
      int needed = MaskSql.maxLength(f.kind(), col.unique());
      if (col.maxLength() >= 0 && col.maxLength() < needed) {
        return declared + ", too short for " + f.describe() + " (up to " + needed + " characters"
            + (col.unique() ? " on a unique column" : "") + ").";
      }
    }
    return null;
  }

  /** Columns that look personal and have no rule (partitions are covered by their parent). */
  static List<String> unmasked(Masking masking, MaskSchema schema) {
    List<String> out = new ArrayList<>();
    schema.tables().values().forEach(cols -> cols.values().forEach(col -> {
      if (!col.partition() && looksPersonal(col.name())
          && !masking.rules().containsKey(new MaskedColumn(col.schema(), col.table(), col.name()))) {
        out.add(col.toString());
      }
    }));
    return out;
  }

  /** Whether a column's name suggests personal data. */
  static boolean looksPersonal(String column) {
    String n = column.replaceAll("([a-z])([A-Z])", "$1_$2").toLowerCase(Locale.ROOT);
    if (PERSONAL_PART.matcher(n).find()) {
      return true;
    }
    for (String word : n.split("[^a-z0-9]+")) {
      if (PERSONAL_WORD.matcher(word).matches()) {
        return true;
      }
    }
    return false;
  }

  private static String firstLine(String message) {
    int nl = message == null ? -1 : message.indexOf('\n');
    return nl < 0 ? String.valueOf(message) : message.substring(0, nl);
  }
}
