package dev.lockplane.internal.planner;

import dev.lockplane.plan.ApplyListener;
import dev.lockplane.plan.Step;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs a plan's steps on one connection and keeps account of what is committed, so that a failure
 * can say exactly that: consecutive transactional steps run in one transaction (all or nothing), a
 * step that cannot run in a transaction runs alone, statement by statement, each committed as it
 * completes.
 */
final class StepRunner {
  /** A step failed; the message names it, its statement and the database's error. */
  static final class Failure extends Exception {
    private final transient List<Throwable> suppressedList = new ArrayList<>();

    Failure(String message, Throwable cause) {
      super(message, cause);
    }

    List<Throwable> suppressed() {
      return suppressedList;
    }
  }

  private final Connection c;
  private final List<Step> steps;
  private final ApplyListener listener;
  /** Steps 1..committed are committed. */
  private int committed;
  /** For a failed step that ran alone: how many of its statements completed (and are committed). */
  private int statementsOfFailedStep;
  private int failedStep = -1;
  private boolean failedInTransaction;
  private boolean commitUnknown;
  private int transactionFrom;

  StepRunner(Connection c, List<Step> steps, ApplyListener listener) {
    this.c = c;
    this.steps = steps;
    this.listener = listener;
  }

  void runAll() throws Failure {
    int i = 0;
    while (i < steps.size()) {
      if (!steps.get(i).transactional()) {
        run(i, false);
        i++;
        committed = i;
        continue;
      }
      int j = i;
      transactionFrom = i;
      try {
        c.setAutoCommit(false);
        while (j < steps.size() && steps.get(j).transactional()) {
          run(j, true);
          j++;
        }
      } catch (Failure f) {
        rollback(f);
        throw f;
      } catch (SQLException e) {
        Failure f = new Failure("Cannot start the plan's transaction before step " + (i + 1) + ": " + e.getMessage(), e);
        failedStep = i;
        failedInTransaction = true;
        rollback(f);
        throw f;
      }
      try {
        c.commit();
        c.setAutoCommit(true);
      } catch (SQLException e) {
        // On a live connection a failed COMMIT (a deferred constraint) rolled back; on a broken one the
        // server may have committed first, and only the next hash check can tell.
        commitUnknown = !alive();
        failedStep = j - 1;
        failedInTransaction = true;
        Failure f = new Failure("Committing steps " + (i + 1) + "-" + j + " failed: " + e.getMessage(), e);
        if (!commitUnknown) {
          rollback(f);
        }
        throw f;
      }
      i = j;
      committed = j;
    }
  }

  private boolean alive() {
    try {
      return !c.isClosed() && c.isValid(5);
    } catch (SQLException e) {
      return false;
    }
  }

  private void rollback(Failure f) {
    try {
      c.rollback();
      c.setAutoCommit(true);
    } catch (SQLException e) {
      // A lost connection rolls the transaction back on the server; the failure is the step's error.
      f.suppressed().add(e);
    }
  }

  private void run(int index, boolean inTransaction) throws Failure {
    Step step = steps.get(index);
    listener.stepStarted(index, steps.size(), step);
    long started = System.nanoTime();
    int n = 0;
    for (String sql : step.sql()) {
      try (Statement s = c.createStatement()) {
        s.execute(sql);
      } catch (SQLException e) {
        failedStep = index;
        failedInTransaction = inTransaction;
        statementsOfFailedStep = n;
        throw new Failure("Step " + (index + 1) + " of " + steps.size() + " (" + step.description() + ") failed: "
            + e.getMessage() + "\nStatement: " + sql, e);
      }
      n++;
    }
    listener.stepFinished(index, steps.size(), step, Duration.ofNanos(System.nanoTime() - started));
  }

  /** What stays in the database after the failure, in a person's words. */
  String committed() {
    StringBuilder b = new StringBuilder();
    String range = transactionFrom == failedStep ? "Step " + (failedStep + 1)
        : "Steps " + (transactionFrom + 1) + "-" + (failedStep + 1);
    if (committed == 0 && failedInTransaction && !commitUnknown) {
      return "Nothing was changed: " + range.toLowerCase(java.util.Locale.ROOT)
          + (transactionFrom == failedStep ? " ran" : " ran together") + " in one transaction, which was rolled back.";
    }
    if (committed == 0) {
      b.append("Nothing was committed before the failing step.");
    } else {
      b.append("Committed before the failure: ");
      for (int k = 0; k < committed; k++) {
        if (k == 10) {
          b.append(", ... (").append(committed - 10).append(" more)");
          break;
        }
        b.append(k == 0 ? "" : ", ").append("step ").append(k + 1).append(" (").append(steps.get(k).description())
            .append(')');
      }
      b.append('.');
    }
    if (commitUnknown) {
      b.append(" Whether ").append(range.toLowerCase(java.util.Locale.ROOT)).append(" were committed is unknown "
          + "(the connection broke during COMMIT): compare the database's schema hash with the plan's source and "
          + "target hashes.");
    } else if (failedInTransaction) {
      b.append(' ').append(range).append(transactionFrom == failedStep ? " ran" : " ran together")
          .append(" in one transaction, which was rolled back: the failed step left nothing behind.");
    } else if (statementsOfFailedStep > 0) {
      b.append(" Step ").append(failedStep + 1).append(" runs outside a transaction: its first ")
          .append(statementsOfFailedStep).append(" statement(s) completed and stay committed.");
    } else {
      b.append(" Step ").append(failedStep + 1).append(" runs outside a transaction; its failed statement "
          + "committed nothing");
      boolean concurrently = steps.get(failedStep).sql().stream().anyMatch(q -> q.contains(" CONCURRENTLY "));
      b.append(concurrently ? " (but an index built CONCURRENTLY may remain, marked INVALID: drop it before "
          + "retrying)." : ".");
    }
    return b.toString();
  }
}
