package dev.lockplane.cli;

import dev.lockplane.ErrorCode;
import dev.lockplane.LockplaneException;
import dev.lockplane.backup.RecoveredInstanceClone;
import dev.lockplane.backup.RecoveryPlan;
import dev.lockplane.backup.RecoveryRequest;
import dev.lockplane.cli.OutputOptions.Format;
import dev.lockplane.postgres.LocalPostgres;
import dev.lockplane.storage.CowStorage;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * {@code lockplane recover --into-instance-clone NAME}: a recovered cluster in an instance clone on
 * copy-on-write storage. The clone is data on the storage and outlives the command; its server runs
 * while the command does (a server with no process to stop it would outlive every owner, and the
 * runtime's reaper stops servers whose owner died), so the command serves it until interrupted and
 * the same option without a target serves a kept clone again.
 */
final class RecoverInstanceClone {
  private final RecoverCommand command;
  private final Format format;
  private final PrintStream out;

  RecoverInstanceClone(RecoverCommand command, Format format) {
    this.command = command;
    this.format = format;
    this.out = command.cli.out();
  }

  private CowStorage storage() {
    return StorageSpec.open(command.spec, command.store, command.storage);
  }

  private String again() {
    String flags = StorageSpec.flags(command.store, command.storage);
    return "lockplane recover --into-instance-clone " + command.instanceClone + (flags.isEmpty() ? "" : " " + flags);
  }

  /** Recovers into a new clone, says what it chose and how to connect, then serves it or stops it. */
  int recover(RecoveryRequest request, RecoveryPlan plan) {
    CowStorage cow = storage();
    if (command.lockTimeout != null) {
      request.lockTimeout(command.lockTimeout);
    }
    if (format == Format.TEXT) {
      RecoverCommand.printPlan(out, plan);
      out.flush();
    }
    RecoveredInstanceClone clone = request.intoInstanceClone(cow, command.instanceClone);
    // from here on the clone is kept whatever happens: it is what the user asked for, and --destroy removes it
    try {
      if (command.keepStopped) {
        clone.stopAndKeep();
      }
      if (format == Format.JSON) {
        Map<String, Object> m = RecoverCommand.result(clone.result());
        m.putAll(describe(cow, clone.volume(), clone.baseVolume()));
        m.putAll(connection(command.keepStopped ? null : clone.server()));
        out.print(Json.write(m));
      } else {
        RecoverCommand.printResult(out, clone.result());
        out.println("clone        " + command.instanceClone + ": volume " + clone.volume() + " on " + cow.describe()
            + ", cloned from " + clone.baseVolume() + " (the base backup as restored, reused by later targets)");
        if (command.keepStopped) {
          printKept();
        } else {
          printConnection(clone.server());
        }
      }
      out.flush();
    } catch (RuntimeException e) {
      clone.stopAndKeep();
      throw e;
    }
    if (!command.keepStopped) {
      serve(clone::stopAndKeep);
    }
    return Main.OK;
  }

  /** Without a target: serves a kept clone again, or with {@code --destroy} removes it. */
  int startOrDestroy() {
    if (command.serve || command.keepStopped) {
      throw command.usage("--into-instance-clone " + command.instanceClone + " without a target serves the kept clone until"
          + " Ctrl-C (or --destroy removes it); give a target (--to, --lsn, --restore-point, --latest) to recover a new one");
    }
    CowStorage cow = storage();
    if (command.destroy) {
      List<String> destroyed = RecoveredInstanceClone.destroy(cow, command.instanceClone);
      if (destroyed.isEmpty()) {
        throw new LockplaneException(ErrorCode.NOT_FOUND, "No recovered clone " + command.instanceClone + " on " + cow.describe()
            + " (no volume pitr-" + command.instanceClone + "); nothing removed.");
      }
      if (format == Format.JSON) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("clone", command.instanceClone);
        m.put("storage", cow.describe());
        m.put("destroyed", destroyed);
        out.print(Json.write(m));
      } else {
        out.println("destroyed    " + String.join(", ", destroyed) + " on " + cow.describe()
            + (destroyed.size() == 1 ? " (its base stays: another recovered clone uses it, or it predates this record)" : ""));
      }
      return Main.OK;
    }
    LocalPostgres pg = RecoveredInstanceClone.start(cow, command.instanceClone);
    try {
      if (format == Format.JSON) {
        Map<String, Object> m = describe(cow, "pitr-" + command.instanceClone, null);
        m.putAll(connection(pg));
        out.print(Json.write(m));
      } else {
        out.println("clone        " + command.instanceClone + ": volume pitr-" + command.instanceClone + " on " + cow.describe()
            + ", started again");
        printConnection(pg);
      }
      out.flush();
    } catch (RuntimeException e) {
      pg.close();
      throw e;
    }
    serve(pg::close);
    return Main.OK;
  }

  private Map<String, Object> describe(CowStorage cow, String volume, String baseVolume) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("clone", command.instanceClone);
    m.put("storage", cow.describe());
    m.put("volume", volume);
    if (baseVolume != null) {
      m.put("baseVolume", baseVolume);
    }
    return m;
  }

  private Map<String, Object> connection(LocalPostgres pg) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("running", pg != null);
    if (pg != null) {
      m.put("url", url(pg));
      m.put("jdbcUrl", pg.jdbcUrl("postgres"));
      m.put("user", pg.user());
      if (command.showPassword) {
        command.cli.secret(pg.password());
        m.put("password", pg.password());
      }
    }
    return m;
  }

  private static String url(LocalPostgres pg) {
    return "postgres://" + pg.user() + "@" + pg.host() + ":" + pg.port() + "/postgres";
  }

  private void printConnection(LocalPostgres pg) {
    if (command.showPassword) {
      command.cli.secret(pg.password());
    }
    out.println("connect: " + url(pg) + "  (password: " + (command.showPassword ? pg.password() : "--show-password prints it") + ")");
  }

  private void printKept() {
    out.println("stopped      the clone is kept: serve it with '" + again() + "', remove it with '" + again() + " --destroy'");
  }

  /** Runs until the command is interrupted (Ctrl-C, or its thread), then stops the server; the clone stays. */
  private void serve(Runnable stop) {
    command.reporter().info("The clone's server runs until this command is interrupted (Ctrl-C); the clone stays after it:"
        + " serve it again with '" + again() + "', remove it with '" + again() + " --destroy'.");
    command.reporter().finish();
    Thread hook = new Thread(stop, "lockplane-recover-clone");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      new CountDownLatch(1).await();
    } catch (InterruptedException e) {
      // the way a caller in the same JVM ends the serving; Ctrl-C goes through the hook instead
    } finally {
      stop.run();
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // the hook is running or has run
      }
    }
  }
}
