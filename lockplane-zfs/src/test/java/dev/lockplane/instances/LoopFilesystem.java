package dev.lockplane.instances;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** A filesystem image (XFS with reflink, btrfs or ext4) attached to a loop device and mounted; close undoes all. */
final class LoopFilesystem implements AutoCloseable {
  final Path mount;
  private final Path image;
  private String device;
  private boolean mounted;

  private LoopFilesystem(Path image, Path mount) {
    this.image = image;
    this.mount = mount;
  }

  /** Whether this machine can loop-mount a filesystem of this type. */
  static String missing(String type) {
    if (!dev.lockplane.internal.os.Posix.isRoot()) {
      return "needs root to loop-mount " + type;
    }
    String mkfs = "mkfs." + type;
    if (!Sh.has(mkfs) || !Sh.has("losetup")) {
      return "needs " + mkfs + " and losetup (apt-get install xfsprogs btrfs-progs util-linux)";
    }
    if (!Files.exists(Path.of("/dev/loop-control"))) {
      return "needs loop devices (/dev/loop-control is missing)";
    }
    return null;
  }

  static LoopFilesystem create(String type, long megabytes, Path workDir) throws IOException {
    Path image = workDir.resolve(type + ".img");
    Path mount = workDir.resolve(type + "-mnt");
    Files.createDirectories(mount);
    LoopFilesystem fs = new LoopFilesystem(image, mount);
    try {
      Sh.run("truncate", "-s", megabytes + "M", image.toString());
      switch (type) {
        case "xfs" -> Sh.run("mkfs.xfs", "-q", "-f", "-m", "reflink=1", image.toString());
        case "btrfs" -> Sh.run("mkfs.btrfs", "-q", "-f", image.toString());
        case "ext4" -> Sh.run("mkfs.ext4", "-q", "-F", image.toString());
        default -> throw new IllegalArgumentException(type);
      }
      fs.device = Sh.run("losetup", "--find", "--show", image.toString()).strip();
      Sh.run("mount", fs.device, mount.toString());
      fs.mounted = true;
      return fs;
    } catch (RuntimeException e) {
      fs.close();
      throw e;
    }
  }

  @Override
  public void close() {
    if (mounted) {
      if (!Sh.tryRun("umount", mount.toString()).ok()) {
        Sh.tryRun("umount", "-l", mount.toString());
      }
      mounted = false;
    }
    if (device != null) {
      Sh.tryRun("losetup", "-d", device);
      device = null;
    }
    try {
      Files.deleteIfExists(image);
    } catch (IOException ignored) {
      // the temp dir goes with it
    }
  }
}
