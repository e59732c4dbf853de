package dev.lockplane.instances;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A file-backed ZFS pool, through zfs-fuse when no kernel ZFS is loaded. Starts the zfs-fuse daemon if
 * it is not running and stops it again on close (only what it started).
 */
final class ZfsPool implements AutoCloseable {
  final String name;
  final Path mount;
  private final Path file;
  private Process daemon;
  private boolean created;

  private ZfsPool(String name, Path file, Path mount) {
    this.name = name;
    this.file = file;
    this.mount = mount;
  }

  static String missing() {
    if (!dev.lockplane.internal.os.Posix.isRoot()) {
      return "needs root to create a ZFS pool";
    }
    if (!Sh.has("zpool") || !Sh.has("zfs")) {
      return "needs the zfs and zpool commands (apt-get install zfs-fuse)";
    }
    if (!Files.exists(Path.of("/dev/zfs")) && !Sh.has("zfs-fuse")) {
      return "needs kernel ZFS or zfs-fuse (apt-get install zfs-fuse)";
    }
    if (!Files.exists(Path.of("/dev/zfs")) && !Files.exists(Path.of("/dev/fuse"))) {
      return "zfs-fuse needs /dev/fuse";
    }
    return null;
  }

  static ZfsPool create(String name, long megabytes, Path workDir) throws IOException, InterruptedException {
    ZfsPool pool = new ZfsPool(name, workDir.resolve(name + ".zpool"), workDir.resolve(name + "-mnt"));
    try {
      pool.ensureDaemon();
      Sh.tryRun("zpool", "destroy", "-f", name); // a leftover of a killed run
      Sh.run("truncate", "-s", megabytes + "M", pool.file.toString());
      Sh.run("zpool", "create", "-m", pool.mount.toString(), name, pool.file.toString());
      pool.created = true;
      return pool;
    } catch (RuntimeException | IOException | InterruptedException e) {
      pool.close();
      throw e;
    }
  }

  private void ensureDaemon() throws IOException, InterruptedException {
    if (Sh.tryRun("zpool", "list", "-H", "-o", "name").ok()) {
      return;
    }
    daemon = new ProcessBuilder("zfs-fuse", "--no-daemon")
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .start();
    long deadline = System.currentTimeMillis() + 20_000;
    while (System.currentTimeMillis() < deadline) {
      if (Sh.tryRun("zpool", "list", "-H", "-o", "name").ok()) {
        return;
      }
      if (!daemon.isAlive()) {
        throw new IllegalStateException("zfs-fuse exited with code " + daemon.exitValue());
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException("zfs-fuse did not answer within 20 s");
  }

  @Override
  public void close() {
    if (created) {
      for (int i = 0; i < 5 && !Sh.tryRun("zpool", "destroy", "-f", name).ok(); i++) {
        try {
          Thread.sleep(500);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
      }
      created = false;
    }
    try {
      Files.deleteIfExists(file);
    } catch (IOException ignored) {
      // the temp dir goes with it
    }
    if (daemon != null) {
      daemon.destroy();
      try {
        if (!daemon.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
          daemon.destroyForcibly();
        }
      } catch (InterruptedException e) {
        daemon.destroyForcibly();
        Thread.currentThread().interrupt();
      }
      daemon = null;
    }
  }
}
