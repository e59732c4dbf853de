package dev.lockplane.cli;

import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.IFactory;

/**
 * The command tree, and the part of it a run needs.
 *
 * <p>picocli builds the model of every command it is given by reflection over its options, loading
 * each command's classes as it goes: with the whole tree that took about half of a short command's
 * time. A run is given only the commands its arguments name, one word after another ({@code backup},
 * then {@code list}); where a word does not name a command — help, a group given no command, a
 * misspelt name that picocli should suggest a correction for, an option between the words — that
 * level gets all its commands, so every message is the one the whole tree gives. {@code --version}
 * alone needs none.
 *
 * <p>The names live here and not in the commands' {@code subcommands} attributes, which picocli
 * would follow eagerly; {@code CommandLineTest} checks that each name is its command's own.
 */
final class CommandTree {
  private CommandTree() {}

  /**
   * The commands of a group, in the order help lists them.
   *
   * @param path the group's words after {@code lockplane}, space-separated ({@code ""} for the top)
   * @return their names, or an empty list when the command has none
   */
  static List<String> children(String path) {
    return switch (path) {
      case "" -> List.of("introspect", "plan", "apply", "rollback", "drift", "status", "history", "validate", "trace",
          "erd", "changelog", "backup", "wal", "recover", "golden", "clone", "help");
      case "backup" -> List.of("keys", "create", "list", "show", "verify", "restore", "extract", "compare", "prune",
          "timeline");
      case "backup keys" -> List.of("generate", "rotate", "show");
      case "clone" -> List.of("create", "list", "reset", "snapshot", "destroy", "connect", "orphans");
      case "drift" -> List.of("fix");
      case "golden" -> List.of("prepare");
      case "wal" -> List.of("archive", "push", "status");
      default -> List.of();
    };
  }

  // A switch, not a map: a class literal is loaded only when its case runs.
  static Class<?> type(String path) {
    return switch (path) {
      case "introspect" -> IntrospectCommand.class;
      case "plan" -> PlanCommand.class;
      case "apply" -> ApplyCommand.class;
      case "rollback" -> RollbackCommand.class;
      case "drift" -> DriftCommand.class;
      case "drift fix" -> DriftFixCommand.class;
      case "status" -> StatusCommand.class;
      case "history" -> HistoryCommand.class;
      case "validate" -> ValidateCommand.class;
      case "trace" -> TraceCommand.class;
      case "erd" -> ErdCommand.class;
      case "changelog" -> ChangelogCommand.class;
      case "backup" -> BackupCommand.class;
      case "backup keys" -> BackupKeysCommand.class;
      case "backup keys generate" -> BackupKeysCommand.Generate.class;
      case "backup keys rotate" -> BackupKeysCommand.Rotate.class;
      case "backup keys show" -> BackupKeysCommand.Show.class;
      case "backup create" -> BackupCreateCommand.class;
      case "backup list" -> BackupListCommand.class;
      case "backup show" -> BackupShowCommand.class;
      case "backup verify" -> BackupVerifyCommand.class;
      case "backup restore" -> BackupRestoreCommand.class;
      case "backup extract" -> BackupExtractCommand.class;
      case "backup compare" -> BackupCompareCommand.class;
      case "backup prune" -> BackupPruneCommand.class;
      case "backup timeline" -> BackupTimelineCommand.class;
      case "wal" -> WalCommand.class;
      case "wal archive" -> WalArchiveCommand.class;
      case "wal push" -> WalPushCommand.class;
      case "wal status" -> WalStatusCommand.class;
      case "recover" -> RecoverCommand.class;
      case "golden" -> GoldenCommand.class;
      case "golden prepare" -> GoldenPrepareCommand.class;
      case "clone" -> CloneCommand.class;
      case "clone create" -> CloneCreateCommand.class;
      case "clone list" -> CloneListCommand.class;
      case "clone reset" -> CloneResetCommand.class;
      case "clone snapshot" -> CloneSnapshotCommand.class;
      case "clone destroy" -> CloneDestroyCommand.class;
      case "clone connect" -> CloneConnectCommand.class;
      case "clone orphans" -> CloneOrphansCommand.class;
      case "help" -> CommandLine.HelpCommand.class;
      default -> throw new IllegalArgumentException("no command 'lockplane " + path + "'");
    };
  }

  /**
   * The model for a run: {@code lockplane} with the commands the arguments name.
   *
   * @param factory creates the commands
   * @param args the run's arguments, or {@code null} for the whole tree
   * @return the top command
   */
  static CommandLine build(IFactory factory, String[] args) {
    CommandLine top = new CommandLine(LockplaneCommand.class, factory);
    if (!versionOnly(args)) {
      attach(top, "", args, 0, factory);
    }
    return top;
  }

  private static boolean versionOnly(String[] args) {
    if (args == null || args.length == 0) {
      return false;
    }
    for (String a : args) {
      if (!a.equals("-V") && !a.equals("--version")) {
        return false;
      }
    }
    return true;
  }

  private static void attach(CommandLine parent, String path, String[] args, int from, IFactory factory) {
    List<String> names = children(path);
    if (names.isEmpty()) {
      return;
    }
    // Only the word right after the parent's is surely a command's name: after an option it could
    // be the option's value. "help" needs everything it can describe.
    String next = args != null && from < args.length ? args[from] : null;
    if (next != null && names.contains(next) && !next.equals("help")) {
      parent.addSubcommand(next, command(join(path, next), args, from + 1, factory));
      return;
    }
    for (String name : names) {
      parent.addSubcommand(name, command(join(path, name), null, 0, factory));
    }
  }

  private static CommandLine command(String path, String[] args, int from, IFactory factory) {
    CommandLine c = new CommandLine(type(path), factory);
    attach(c, path, args, from, factory);
    return c;
  }

  private static String join(String path, String name) {
    return path.isEmpty() ? name : path + " " + name;
  }
}
