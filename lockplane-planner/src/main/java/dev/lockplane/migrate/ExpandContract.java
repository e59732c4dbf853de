package dev.lockplane.migrate;

import dev.lockplane.internal.migrate.ChangeSql;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Turns a change that would break running application versions into an {@link ExpandContractPlan}.
 *
 * <pre>{@code
 * ExpandContractPlan plan = ExpandContract.plan("orders-total-to-amount",
 *     new Change.RenameColumn("orders", "id", "total", "amount", "numeric(12,2)", true));
 * plan.expand().steps().forEach(s -> System.out.println(s.sql()));
 * }</pre>
 */
public final class ExpandContract {
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.:-]{0,199}");

  private ExpandContract() {}

  /**
   * Plans a change in three phases.
   *
   * @param id the migration id under which progress is recorded: letters, digits and {@code _ . : -},
   *     up to 200 characters; keep it stable so an interrupted phase resumes
   * @param change the change
   * @return the plan (pure: nothing is run)
   */
  public static ExpandContractPlan plan(String id, Change change) {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(change, "change");
    if (!ID.matcher(id).matches()) {
      throw new IllegalArgumentException("migration id '" + id + "' is not usable: use letters, digits and"
          + " _ . : - (up to 200 characters), such as orders-total-to-amount");
    }
    return ChangeSql.plan(id, change);
  }
}
