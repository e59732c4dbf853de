package dev.lockplane.cli;

import dev.lockplane.plan.ApplyListener;
import dev.lockplane.plan.Step;
import java.time.Duration;

/** Apply steps as progress lines (and, with -v, one line per finished step with its time). */
final class ApplyProgress implements ApplyListener {
  private final Reporter reporter;

  ApplyProgress(Reporter reporter) {
    this.reporter = reporter;
  }

  @Override
  public void stepStarted(int index, int total, Step step) {
    reporter.progress("step " + (index + 1) + "/" + total + ": " + step.description());
  }

  @Override
  public void stepFinished(int index, int total, Step step, Duration took) {
    reporter.detail("step " + (index + 1) + "/" + total + " done in " + took.toMillis() + " ms: " + step.description());
  }

  @Override
  public void waitingForApplyLock(String holder) {
    reporter.info("waiting for another apply to this database to finish (" + holder + ")");
  }
}
