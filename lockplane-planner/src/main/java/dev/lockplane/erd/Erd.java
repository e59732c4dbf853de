package dev.lockplane.erd;

import dev.lockplane.ErrorCode;
import dev.lockplane.LockplaneException;
import dev.lockplane.internal.erd.Diagram;
import dev.lockplane.internal.erd.MermaidWriter;
import dev.lockplane.internal.erd.PlanDiagram;
import dev.lockplane.internal.erd.SvgWriter;
import dev.lockplane.plan.Plan;
import dev.lockplane.schema.DatabaseSchema;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.TreeSet;

/**
 * An entity-relationship diagram: tables with their columns (primary, foreign and unique keys
 * marked; a nullable column's name ends with {@code ?} in the drawing) and one relationship per
 * foreign key, with its cardinality (a parent is required when the referencing columns are NOT NULL;
 * a child side is "one" when they are unique). Rendered as Mermaid text or as SVG; both are
 * deterministic.
 *
 * <pre>{@code
 * DatabaseSchema schema = planner.introspect(dataSource);
 * Erd erd = Erd.of(schema).around("orders", 2).build();
 * Files.writeString(Path.of("orders.svg"), erd.svg());
 * String markdown = "```mermaid\n" + erd.mermaid() + "```\n";
 * }</pre>
 */
public final class Erd {
  private final Diagram diagram;

  private Erd(Diagram diagram) {
    this.diagram = diagram;
  }

  /**
   * Starts a diagram of a schema; without a focus it draws every table.
   *
   * @param schema the schema model (from {@code Planner.introspect} or {@code Planner.load})
   * @return a builder
   */
  public static Builder of(DatabaseSchema schema) {
    return new Builder(Diagram.of(Objects.requireNonNull(schema, "schema")));
  }

  /**
   * The diagram of the tables a plan touches, as they are before it, with what the plan changes
   * marked: tables and columns it adds (green), drops (red) or alters (amber), each change also in
   * words. A table or column the plan creates is drawn by name (the plan does not carry its type).
   *
   * @param plan the plan
   * @return the diagram; without tables when the plan touches none
   */
  public static Erd ofPlan(Plan plan) {
    return new Erd(PlanDiagram.of(Objects.requireNonNull(plan, "plan")));
  }

  /**
   * The tables drawn.
   *
   * @return their qualified names, sorted
   */
  public List<String> tables() {
    return diagram.entities().stream().map(Diagram.Entity::id).toList();
  }

  /**
   * The diagram as Mermaid {@code erDiagram} text (GitHub and GitLab render it in a {@code mermaid}
   * code block).
   *
   * @return the text, ending with a newline
   */
  public String mermaid() {
    return MermaidWriter.write(diagram);
  }

  /**
   * The diagram as a standalone SVG document, laid out with tables referenced by foreign keys above
   * the tables that refer to them.
   *
   * @return the SVG text
   */
  public String svg() {
    return SvgWriter.write(diagram);
  }

  /** Chooses which tables a diagram shows. Each setting may be given once. */
  public static final class Builder {
    private final Diagram all;
    private List<String> tables;
    private String around;
    private int depth;

    private Builder(Diagram all) {
      this.all = all;
    }

    /**
     * Draws only these tables (and the foreign keys between them); combined with {@link #around},
     * the tables of both.
     *
     * @param names table names, {@code table} or {@code schema.table}
     * @return this builder
     */
    public Builder tables(Collection<String> names) {
      if (tables != null) {
        throw new LockplaneException(ErrorCode.INVALID_CONFIGURATION, "The tables of the diagram are already set to "
            + tables + ".");
      }
      tables = List.copyOf(names);
      return this;
    }

    /**
     * Draws a table and those at most {@code depth} foreign keys away from it, in either direction.
     *
     * @param table the table, {@code table} or {@code schema.table}
     * @param depth how many foreign keys away (0: the table alone)
     * @return this builder
     */
    public Builder around(String table, int depth) {
      if (around != null) {
        throw new LockplaneException(ErrorCode.INVALID_CONFIGURATION, "The diagram is already centred on "
            + around + " (depth " + this.depth + ").");
      }
      if (depth < 0) {
        throw new LockplaneException(ErrorCode.INVALID_CONFIGURATION, "The depth around " + table
            + " must be 0 or more, not " + depth + ".");
      }
      this.around = Objects.requireNonNull(table, "table");
      this.depth = depth;
      return this;
    }

    /**
     * Builds the diagram.
     *
     * @return the diagram
     * @throws LockplaneException ({@link ErrorCode#INVALID_INPUT}) when a named table is not in the
     *     schema, or its name is ambiguous
     */
    public Erd build() {
      if (tables == null && around == null) {
        return new Erd(all);
      }
      Collection<String> keep = new TreeSet<>();
      for (String t : tables == null ? List.<String>of() : tables) {
        keep.add(all.resolve(t));
      }
      if (around != null) {
        keep.addAll(all.around(all.resolve(around), depth));
      }
      return new Erd(all.only(new ArrayList<>(keep)));
    }
  }
}
