package dev.lockplane.internal.backup;

import dev.lockplane.storage.CowStorages;
import java.nio.file.Path;
import java.time.Duration;

/** A separate process holding a base volume's lock until its stdin closes (or it is killed). */
public final class BaseVolumeLockChild {
  private BaseVolumeLockChild() {}

  public static void main(String[] args) throws Exception {
    try (BaseVolumeLock lock = BaseVolumeLock.acquire(CowStorages.copy(Path.of(args[0])), args[1], "child",
        Duration.ofSeconds(30))) {
      System.out.println("LOCKED");
      System.out.flush();
      while (System.in.read() != -1) {
        // held until the parent closes the pipe
      }
    }
    System.exit(0);
  }
}
