package dev.lockplane.internal.postgres;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lockplane.internal.fs.FileTrees;
import dev.lockplane.internal.os.Posix;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Stops and removes servers whose owning JVM is gone (killed, crashed), found through the records
 * in the runtime directory.
 */
public final class Reaper {
  /** The record file in each instance directory. */
  public static final String RECORD = "instance.json";

  private static final System.Logger LOG = System.getLogger(Reaper.class.getName());
  /** Records are rare; creating a mapper is not free: make it on first use. */
  private static final class Json {
    static final ObjectMapper MAPPER = new ObjectMapper();
  }

  /** A directory left by a failed start (its log only) is kept this long for inspection. */
  private static final long LEFTOVER_MILLIS = 24L * 3600 * 1000;

  private Reaper() {}

  /** Returns the start instant of the current JVM, as recorded in instance records. */
  public static String currentOwnerStart() {
    return startOf(ProcessHandle.current().pid()).orElse("unknown");
  }

  private static Optional<String> startOf(long pid) {
    return ProcessHandle.of(pid).flatMap(h -> h.info().startInstant()).map(Object::toString);
  }

  /**
   * Writes an instance record.
   *
   * @param instanceDir the instance directory
   * @param record the record
   * @throws IOException on failure
   */
  public static void write(Path instanceDir, InstanceRecord record) throws IOException {
    Path tmp = instanceDir.resolve(RECORD + ".tmp");
    Json.MAPPER.writeValue(tmp.toFile(), record);
    Files.move(tmp, instanceDir.resolve(RECORD), java.nio.file.StandardCopyOption.ATOMIC_MOVE,
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
  }

  /**
   * Stops the servers under {@code runtimeDir/instances} whose owner JVM is gone, and removes the
   * directories of ephemeral ones.
   *
   * @param runtimeDir the runtime directory
   * @return how many abandoned servers were found
   */
  public static int reap(Path runtimeDir) {
    Path instances = runtimeDir.resolve("instances");
    if (!Files.isDirectory(instances)) {
      return 0;
    }
    int reaped = 0;
    try (DirectoryStream<Path> dirs = Files.newDirectoryStream(instances)) {
      for (Path dir : dirs) {
        Path rec = dir.resolve(RECORD);
        if (!Files.isRegularFile(rec)) {
          removeIfOld(dir);
          continue;
        }
        InstanceRecord r;
        try {
          r = Json.MAPPER.readValue(rec.toFile(), InstanceRecord.class);
        } catch (IOException e) {
          continue;
        }
        if (ownerAlive(r)) {
          continue;
        }
        reaped++;
        LOG.log(Level.INFO, "Stopping PostgreSQL (pid {0}, port {1}) left behind by dead JVM {2}",
            r.postmasterPid(), r.port(), r.ownerPid());
        stopAbandoned(r);
        if (r.ephemeral()) {
          MemoryDirectories.delete(dir);
          FileTrees.deleteQuietly(dir);
        } else {
          try {
            Files.deleteIfExists(rec);
          } catch (IOException ignored) {
            // the next reaper finds the owner dead again and does nothing more
          }
        }
      }
    } catch (IOException e) {
      LOG.log(Level.WARNING, "Cannot scan " + instances + " for abandoned servers: " + e);
    }
    return reaped;
  }

  /**
   * Removes an instance directory without a record (a failed start keeps its log there) once it is
   * old enough that nobody is reading that log any more. A directory being set up right now is young.
   */
  private static void removeIfOld(Path dir) {
    try {
      long age = System.currentTimeMillis() - Files.getLastModifiedTime(dir).toMillis();
      if (age > LEFTOVER_MILLIS) {
        FileTrees.deleteQuietly(dir);
      }
    } catch (IOException e) {
      // gone already
    }
  }

  private static boolean ownerAlive(InstanceRecord r) {
    if (!Posix.isAlive(r.ownerPid())) {
      return false;
    }
    Optional<String> start = startOf(r.ownerPid());
    // the same pid with another start time is an unrelated process that reused the pid
    return start.isEmpty() || start.get().equals(r.ownerStart());
  }

  private static void stopAbandoned(InstanceRecord r) {
    long pid = r.postmasterPid();
    Path data = Path.of(r.dataDirectory());
    if (Postmasters.isPostmasterOf(pid, data)) {
      Postmasters.stop(pid, 15_000);
    }
    // killed with its JVM (a process group's SIGKILL), or by the stop's last resort
    SharedMemory.releaseLeftBy(data);
  }

}
