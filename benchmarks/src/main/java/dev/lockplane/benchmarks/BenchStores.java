package dev.lockplane.benchmarks;

import dev.lockplane.storage.CowStorage;
import dev.lockplane.storage.CowStorages;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The stores a benchmark run needs, each on a real filesystem made for the run: a file-backed ZFS
 * pool (zfs-fuse started if needed), loop-mounted XFS (reflink=1) and btrfs, and the work
 * directory's own filesystem for plain copies. Closing removes all of it.
 */
final class BenchStores implements AutoCloseable {
  private final Path work;
  private final List<Runnable> undo = new ArrayList<>();

  BenchStores(Path work) throws IOException {
    this.work = work;
    Files.createDirectories(work);
    run("chmod", "755", work.toString());
  }

  CowStorage open(String kind, long gigabytes) throws IOException, InterruptedException {
    return switch (kind) {
      case "zfs" -> zfs(gigabytes);
      case "xfs", "btrfs" -> CowStorages.reflink(loop(kind, gigabytes).resolve("store"));
      case "copy" -> CowStorages.copy(work.resolve("copy-store"));
      default -> throw new IllegalArgumentException("unknown storage " + kind + "; use zfs, xfs, btrfs or copy");
    };
  }

  private CowStorage zfs(long gigabytes) throws IOException, InterruptedException {
    if (!ok("zpool", "list")) {
      Process daemon = new ProcessBuilder("zfs-fuse", "--no-daemon").redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
      undo.add(0, () -> {
        daemon.destroy();
        try {
          daemon.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      });
      for (int i = 0; i < 200 && !ok("zpool", "list"); i++) {
        Thread.sleep(100);
      }
    }
    Path file = work.resolve("bench.zpool");
    run("truncate", "-s", gigabytes + "G", file.toString());
    ok("zpool", "destroy", "-f", "lpbench");
    run("zpool", "create", "-m", work.resolve("zfs-mnt").toString(), "lpbench", file.toString());
    undo.add(0, () -> {
      // a just-unmounted dataset can keep the pool busy for a moment
      for (int i = 0; i < 20; i++) {
        if (ok("zpool", "destroy", "-f", "lpbench")) {
          file.toFile().delete();
          return;
        }
        try {
          Thread.sleep(500);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
      }
      System.err.println("could not destroy pool lpbench (backed by " + file + "); run: zpool destroy -f lpbench");
    });
    return CowStorages.zfs("lpbench/lockplane");
  }

  /**
   * A directory on a filesystem of the given kind made for the run (a loop-mounted XFS or btrfs
   * image, the root of a file-backed ZFS pool), for a server's data directory; removed on close.
   */
  Path directory(String kind, long gigabytes) throws IOException, InterruptedException {
    return switch (kind) {
      case "xfs", "btrfs" -> loop(kind, gigabytes);
      case "zfs" -> {
        zfs(gigabytes);
        yield work.resolve("zfs-mnt");
      }
      default -> throw new IllegalArgumentException("unknown filesystem " + kind + "; use xfs, btrfs or zfs");
    };
  }

  private Path loop(String type, long gigabytes) throws IOException {
    Path image = work.resolve(type + ".img");
    Path mount = work.resolve(type + "-mnt");
    Files.createDirectories(mount);
    run("truncate", "-s", gigabytes + "G", image.toString());
    if (type.equals("xfs")) {
      run("mkfs.xfs", "-q", "-f", "-m", "reflink=1", image.toString());
    } else {
      run("mkfs.btrfs", "-q", "-f", image.toString());
    }
    String dev = run("losetup", "--find", "--show", image.toString()).strip();
    undo.add(0, () -> {
      ok("losetup", "-d", dev);
      image.toFile().delete();
    });
    run("mount", dev, mount.toString());
    undo.add(0, () -> {
      if (!ok("umount", mount.toString())) {
        ok("umount", "-l", mount.toString());
      }
    });
    return mount;
  }

  @Override
  public void close() {
    for (Runnable r : undo) {
      try {
        r.run();
      } catch (RuntimeException e) {
        System.err.println("cleanup step failed: " + e);
      }
    }
    undo.clear();
  }

  static boolean ok(String... cmd) {
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
      return p.waitFor() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  static String run(String... cmd) throws IOException {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    try {
      if (p.waitFor() != 0) {
        throw new IOException(String.join(" ", cmd) + " failed: " + out);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted: " + String.join(" ", cmd), e);
    }
    return out;
  }
}
