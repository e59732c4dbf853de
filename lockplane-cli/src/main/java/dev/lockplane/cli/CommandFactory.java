package dev.lockplane.cli;

import picocli.CommandLine;

/** Creates commands and mixins, handing each command the run's {@link Cli}. */
final class CommandFactory implements CommandLine.IFactory {
  private final Cli cli;
  private final CommandLine.IFactory defaults = CommandLine.defaultFactory();

  CommandFactory(Cli cli) {
    this.cli = cli;
  }

  @Override
  public <K> K create(Class<K> type) throws Exception {
    K k = defaults.create(type);
    if (k instanceof BaseCommand c) {
      c.cli = cli;
    }
    return k;
  }
}
