package dev.lockplane.internal.planner;

import dev.lockplane.schema.DatabaseSchema;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.Supplier;

/**
 * Loads the desired state on a thread of its own while the caller introspects the target. Both
 * mostly wait on servers — the load on a scratch server, which it may have to start first (an
 * embedded one: a data directory copied, a process launched, about a second) — so side by side they
 * take about as long as the longer one.
 *
 * <p>The load always ends before {@link #run} returns or throws, so its scratch server is gone by
 * then; when both fail, the target's failure is the one reported.
 */
public final class LoadBeside {
  private LoadBeside() {}

  /**
   * The live and the desired schema.
   *
   * @param live the target's schema
   * @param desired the desired state's schema
   */
  public record Schemas(DatabaseSchema live, DatabaseSchema desired) {}

  /**
   * Runs {@code load} on a new thread and {@code introspect} on this one.
   *
   * @param introspect reads the target's schema
   * @param load loads the desired state
   * @return both schemas
   */
  public static Schemas run(Supplier<DatabaseSchema> introspect, Supplier<DatabaseSchema> load) {
    CompletableFuture<DatabaseSchema> loaded = new CompletableFuture<>();
    Thread loader = new Thread(() -> {
      try {
        loaded.complete(load.get());
      } catch (Throwable t) {
        loaded.completeExceptionally(t);
      }
    }, "lockplane-desired-load");
    loader.setDaemon(true);
    loader.start();
    DatabaseSchema live;
    try {
      live = introspect.get();
    } catch (RuntimeException | Error e) {
      try {
        await(loaded);
      } catch (RuntimeException | Error alsoFailed) {
        e.addSuppressed(alsoFailed);
      }
      throw e;
    }
    return new Schemas(live, await(loaded));
  }

  private static DatabaseSchema await(CompletableFuture<DatabaseSchema> loaded) {
    boolean interrupted = false;
    try {
      while (true) {
        try {
          return loaded.get();
        } catch (InterruptedException e) {
          // the load holds a scratch server: it ends first, then the interrupt is passed on
          interrupted = true;
        } catch (ExecutionException e) {
          Throwable cause = e.getCause();
          if (cause instanceof RuntimeException r) {
            throw r;
          }
          if (cause instanceof Error err) {
            throw err;
          }
          throw new IllegalStateException("Loading the desired state failed", cause);
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
