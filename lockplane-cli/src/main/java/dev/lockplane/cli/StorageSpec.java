package dev.lockplane.cli;

import dev.lockplane.ErrorCode;
import dev.lockplane.LockplaneException;
import dev.lockplane.storage.CowStorage;
import dev.lockplane.storage.CowStorages;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/**
 * The command line's one spelling of a copy-on-write storage, shared by every command that keeps
 * instances on one: {@code --storage zfs:POOL/DATASET}, or {@code --store DIR} with
 * {@code --storage reflink|copy} (default: what the directory's filesystem allows).
 */
final class StorageSpec {
  private StorageSpec() {}

  /**
   * Opens the storage the options name.
   *
   * @param spec the command, for usage errors
   * @param store the {@code --store} directory, or null
   * @param storage the {@code --storage} kind, or null
   * @return the storage
   */
  static CowStorage open(CommandSpec spec, Path store, String storage) {
    String kind = storage == null ? "detect" : storage.trim();
    if (kind.toLowerCase(Locale.ROOT).startsWith("zfs:")) {
      if (store != null) {
        throw new ParameterException(spec.commandLine(), "--store goes with reflink or copy storage; ZFS keeps the store in its dataset");
      }
      String dataset = kind.substring("zfs:".length());
      if (dataset.isBlank()) {
        throw new ParameterException(spec.commandLine(), "Invalid value for option '--storage': give zfs:POOL/DATASET");
      }
      return CowStorages.zfs(dataset);
    }
    if (store == null) {
      throw new ParameterException(spec.commandLine(), "--storage " + kind + " needs --store DIR");
    }
    checkWritable(store);
    return switch (kind.toLowerCase(Locale.ROOT)) {
      case "copy" -> CowStorages.copy(store);
      case "reflink" -> CowStorages.reflink(store);
      case "detect" -> CowStorages.detect(store);
      default -> throw new ParameterException(spec.commandLine(),
          "Invalid value for option '--storage': '" + kind + "' is not one of zfs:POOL/DATASET, reflink, copy");
    };
  }

  /** The options that name this storage again, for the commands a message suggests. */
  static String flags(Path store, String storage) {
    return (store != null ? "--store " + store : "") + (storage != null ? (store != null ? " " : "") + "--storage " + storage : "");
  }

  /** Fails early, and in words, when the store cannot be written (root passes permission checks, so try). */
  private static void checkWritable(Path dir) {
    try {
      Files.createDirectories(dir);
      Path probe = Files.createTempFile(dir, ".lockplane-probe", "");
      Files.delete(probe);
    } catch (IOException | UnsupportedOperationException e) {
      String why = e instanceof java.nio.file.FileSystemException f && f.getReason() != null ? f.getReason()
          : e instanceof java.nio.file.AccessDeniedException ? "permission denied" : String.valueOf(e.getMessage());
      throw new LockplaneException(ErrorCode.IO_ERROR, "Cannot write to the store directory " + dir.toAbsolutePath()
          + " (" + why + "). Give a directory this user can create and write.", e);
    }
  }
}
