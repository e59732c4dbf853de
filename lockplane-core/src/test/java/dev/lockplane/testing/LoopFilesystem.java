package dev.lockplane.testing;

import dev.lockplane.internal.fs.FileTrees;
import dev.lockplane.internal.os.ProcessRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A real filesystem on a loop-mounted image file (XFS with reflink, btrfs, or tmpfs), for tests
 * that need one. Needs root; {@link #close()} unmounts and deletes the image, also after a failure.
 */
public final class LoopFilesystem implements AutoCloseable {
  private final Path image;
  private final Path mountPoint;

  private LoopFilesystem(Path image, Path mountPoint) {
    this.image = image;
    this.mountPoint = mountPoint;
  }

  /** Returns the mount point. */
  public Path path() {
    return mountPoint;
  }

  /**
   * Mounts a fresh XFS with reflink support, or fails the requirement (skip, or fail under
   * LOCKPLANE_REQUIRE_COW=1) when the machine cannot.
   *
   * @param sizeMiB the image size (XFS needs at least 300 MiB)
   * @return the mounted filesystem
   */
  public static LoopFilesystem xfs(int sizeMiB) {
    return mount("xfs", sizeMiB, List.of("mkfs.xfs", "-q", "-m", "reflink=1"));
  }

  /**
   * Mounts a fresh btrfs (see {@link #xfs}).
   *
   * @param sizeMiB the image size (btrfs needs at least 110 MiB)
   * @return the mounted filesystem
   */
  public static LoopFilesystem btrfs(int sizeMiB) {
    return mount("btrfs", sizeMiB, List.of("mkfs.btrfs", "-q"));
  }

  /**
   * Mounts a small tmpfs, for running out of space on purpose.
   *
   * @param sizeMiB its size
   * @return the mounted filesystem
   */
  public static LoopFilesystem tmpfs(int sizeMiB) {
    Requirements.requireRoot();
    try {
      Path mp = Files.createTempDirectory("lockplane-tmpfs");
      ProcessRunner.Result r = ProcessRunner.run(
          List.of("mount", "-t", "tmpfs", "-o", "size=" + sizeMiB + "m,mode=0755", "tmpfs", mp.toString()),
          null, Map.of(), Duration.ofSeconds(30));
      if (!r.ok()) {
        FileTrees.deleteQuietly(mp);
      }
      Requirements.require(r.ok(), "cannot mount a tmpfs: " + r.output().strip());
      return new LoopFilesystem(null, mp);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  private static LoopFilesystem mount(String type, int sizeMiB, List<String> mkfs) {
    Requirements.requireRoot();
    Path image = null;
    Path mp = null;
    try {
      image = Files.createTempFile("lockplane-" + type, ".img");
      mp = Files.createTempDirectory("lockplane-" + type);
      ProcessRunner.Result t = ProcessRunner.run(
          List.of("truncate", "-s", sizeMiB + "M", image.toString()), null, Map.of(), Duration.ofSeconds(30));
      List<String> mk = new java.util.ArrayList<>(mkfs);
      mk.add(image.toString());
      ProcessRunner.Result m = t.ok() ? ProcessRunner.run(mk, null, Map.of(), Duration.ofMinutes(2)) : t;
      ProcessRunner.Result mo = m.ok()
          ? ProcessRunner.run(List.of("mount", "-o", "loop", image.toString(), mp.toString()), null, Map.of(), Duration.ofMinutes(1))
          : m;
      if (!mo.ok()) {
        FileTrees.deleteQuietly(mp);
        FileTrees.deleteQuietly(image);
      }
      Requirements.require(mo.ok(), "cannot make a loop-mounted " + type + " (" + String.join(" ", mo.command())
          + "): " + mo.output().strip() + " — install " + (type.equals("xfs") ? "xfsprogs" : "btrfs-progs") + " and run as root");
      ProcessRunner.run(List.of("chmod", "0755", mp.toString()), null, Map.of(), Duration.ofSeconds(10));
      return new LoopFilesystem(image, mp);
    } catch (IOException e) {
      FileTrees.deleteQuietly(mp);
      FileTrees.deleteQuietly(image);
      throw new AssertionError(e);
    }
  }

  @Override
  public void close() {
    try {
      ProcessRunner.Result r = ProcessRunner.run(List.of("umount", mountPoint.toString()), null, Map.of(), Duration.ofMinutes(1));
      if (!r.ok()) {
        ProcessRunner.run(List.of("umount", "-l", mountPoint.toString()), null, Map.of(), Duration.ofMinutes(1));
      }
      Files.deleteIfExists(mountPoint);
      if (image != null) {
        Files.deleteIfExists(image);
      }
    } catch (IOException e) {
      throw new AssertionError("cannot clean up " + mountPoint + ": " + e, e);
    }
  }
}
