package dev.lockplane.planner;

/**
 * The entry point of the planner.
 *
 * <pre>{@code
 * Planner planner = Lockplane.planner().lockTimeout(Duration.ofSeconds(2)).build();
 * Plan plan = planner.plan(dataSource, Desired.sqlFiles(Path.of("schema/")));
 * System.out.println(plan.toText());
 * planner.apply(plan, dataSource);
 * }</pre>
 */
public final class Lockplane {
  private Lockplane() {}

  /** Returns a builder for a {@link Planner}. */
  public static Planner.Builder planner() {
    return new Planner.Builder();
  }
}
