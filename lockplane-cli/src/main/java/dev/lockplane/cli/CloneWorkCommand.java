package dev.lockplane.cli;

import dev.lockplane.CloneException;
import dev.lockplane.ErrorCode;
import dev.lockplane.clone.Clone;
import dev.lockplane.clone.Snapshot;
import dev.lockplane.instances.InstanceCloneManager;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import picocli.CommandLine.Mixin;

/** A command on the clones of a server or store: the home's options, the result format, and lookups by name. */
abstract class CloneWorkCommand extends BaseCommand {
  @Mixin CloneStoreOptions home;
  @Mixin OutputOptions output;

  /** Opens the clones with the golden they already have. */
  final CloneStoreOptions.Opened open() {
    return home.open(cli, spec, null, reporter());
  }

  /** The clone named, FATAL instances included, or NOT_FOUND naming the command that lists them. */
  final Clone clone(CloneStoreOptions.Opened o, String name) {
    java.util.Optional<? extends Clone> c = o.manager() instanceof InstanceCloneManager im ? im.instance(name) : o.manager().get(name);
    return c.orElseThrow(() -> new CloneException(ErrorCode.NOT_FOUND, name, "No clone '" + name + "' in " + o.where()
        + ". Run 'lockplane clone list " + home.flags(spec) + "' to see the clones.", null));
  }

  /** The snapshot named, or NOT_FOUND naming those there are. */
  static Snapshot snapshot(CloneStoreOptions.Opened o, String name) {
    List<Snapshot> all = o.manager().snapshots();
    return all.stream().filter(s -> s.name().equals(name)).findFirst()
        .orElseThrow(() -> new CloneException(ErrorCode.NOT_FOUND, name, "No snapshot '" + name + "' in " + o.where()
            + "; the snapshots are " + all.stream().map(Snapshot::name).toList() + ".", null));
  }

  /** Warns on stderr when a snapshot's data is older than the allowed age (--max-age, else lockplane.toml). */
  final void warnIfOld(Snapshot s, Duration maxAge) {
    Duration limit = maxAge != null ? maxAge : home.settings(spec).maxAge();
    if (limit == null || limit.isZero()) {
      return;
    }
    Duration age = s.dataAge(Instant.now());
    if (age.compareTo(limit) > 0) {
      cli.error(spec.qualifiedName() + ": warning: the data of " + s.name() + " is from " + CloneViews.time(s.dataStateAt())
          + ", " + CloneViews.age(age) + " old, older than the allowed " + CloneViews.age(limit)
          + ". Refresh it: lockplane golden prepare " + home.flags(spec) + " with its source.");
    }
  }
}
