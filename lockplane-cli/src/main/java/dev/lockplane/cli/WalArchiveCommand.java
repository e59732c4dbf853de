package dev.lockplane.cli;

import dev.lockplane.backup.BackupRepository;
import dev.lockplane.backup.WalArchiveStatus;
import dev.lockplane.backup.WalArchiver;
import dev.lockplane.cli.OutputOptions.Format;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code lockplane wal archive}: streams a server's WAL into the repository until interrupted. */
@Command(name = "archive", description = {
    "Stream a server's WAL into the repository through a physical replication slot, until interrupted (Ctrl-C)",
    "or, with --until, until the archive holds the WAL up to a position. The role needs LOGIN and REPLICATION.",
    "Exit 0: stopped (or reached --until); 1: the archiver failed (a dropped slot, a refused login)."})
final class WalArchiveCommand extends BaseCommand {
  @Mixin RepositoryOptions repository;
  @Mixin ConnectionOptions connection;
  @Mixin OutputOptions output;

  @Option(names = "--slot", paramLabel = "NAME", defaultValue = "lockplane", description = "The physical replication slot (default lockplane).")
  String slot;

  @Option(names = "--create-slot", description = "Create the slot when it does not exist.")
  boolean createSlot;

  @Option(names = "--until", paramLabel = "LSN", description = "Stop once the archive holds the WAL up to this position (such as 0/3000028).")
  String until;

  @Option(names = "--timeout", paramLabel = "DURATION", converter = DurationConverter.class, defaultValue = "1h",
      description = "With --until: how long to wait (default 1h).")
  Duration timeout;

  @Override
  int execute() throws Exception {
    Format format = output.format(spec, Format.TEXT, Format.JSON);
    Target t = connection.target(cli, spec);
    if (!t.postgres()) {
      throw usage("--url must be a PostgreSQL server, not " + t.shown());
    }
    BackupRepository repo = repository.builder(cli, spec, false, true).open();
    WalArchiver.Builder b = repo.walArchiver().source(t.url(), t.user(), t.password()).slot(slot);
    if (createSlot) {
      b.createSlot();
    }
    WalArchiver archiver = b.start();
    try {
      WalArchiveStatus last;
      if (until != null) {
        last = archiver.awaitArchived(until, timeout);
      } else {
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
          archiver.close();
          stopped.countDown();
        }, "lockplane-wal-archive"));
        reporter().info("Archiving the WAL of " + archiver.status().server() + " until interrupted (Ctrl-C).");
        while (!stopped.await(10, java.util.concurrent.TimeUnit.SECONDS)) {
          WalArchiveStatus s = archiver.status();
          if (s.state() == WalArchiveStatus.State.FAILED) {
            break;
          }
          reporter().progress(WalStatusCommand.line(s));
        }
        last = archiver.status();
      }
      if (last.state() == WalArchiveStatus.State.FAILED) {
        cli.err().println(cli.mask("error: " + last.lastError()));
        return Main.ERROR;
      }
      cli.out().print(format == Format.JSON ? Json.write(WalStatusCommand.json(last)) : WalStatusCommand.line(last) + "\n");
      return Main.OK;
    } finally {
      archiver.close();
    }
  }
}
