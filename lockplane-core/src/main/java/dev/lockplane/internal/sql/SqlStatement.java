package dev.lockplane.internal.sql;

import java.util.Objects;

/**
 * One statement of a script.
 *
 * @param sql the statement text from its first token, without the terminating semicolon; comments
 *     inside the statement are kept (the planner reads rename hints there)
 * @param line the 1-based line of the script where the statement's first token stands
 * @param leadingComments the comments between the previous statement and this one, as written
 *     (empty when there are none)
 * @param copyData for {@code COPY … FROM stdin}, the data lines that follow the statement up to
 *     the {@code \.} line (each line ending with a newline); {@code null} for every other statement
 */
public record SqlStatement(String sql, int line, String leadingComments, String copyData) {

  /** Validates the components. */
  public SqlStatement {
    Objects.requireNonNull(sql, "sql");
    Objects.requireNonNull(leadingComments, "leadingComments");
  }

  /**
   * A statement without leading comments or COPY data.
   *
   * @param sql the statement text
   * @param line its 1-based start line
   */
  public SqlStatement(String sql, int line) {
    this(sql, line, "", null);
  }

  /** Returns the leading comments, a newline, and the statement: the text as it stands in the script. */
  public String withLeadingComments() {
    return leadingComments.isEmpty() ? sql : leadingComments + "\n" + sql;
  }

  /** Returns whether this is a {@code COPY … FROM stdin} statement, whose data the runner streams. */
  public boolean isCopyFromStdin() {
    return copyData != null;
  }
}
