package dev.lockplane.internal.storage;

import dev.lockplane.ErrorCode;
import dev.lockplane.LockplaneException;
import dev.lockplane.clone.CopyMethod;
import dev.lockplane.internal.os.ProcessRunner;
import dev.lockplane.storage.CowStorage;
import dev.lockplane.storage.SpaceUsage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Volumes are ZFS datasets under a parent dataset; snapshots are ZFS snapshots; clones are
 * {@code zfs clone}s. Only machine output is parsed: {@code -H} (tab-separated, no header) and, for
 * numbers, {@code zfs get -p} (exact bytes). {@code zfs list -p} is not used because zfs-fuse lacks it.
 */
public final class ZfsStorage implements CowStorage {
  private static final Duration TIMEOUT = Duration.ofMinutes(10);
  private static final String STATE = ".lockplane";

  private final String parent;
  private final String zfs;

  /**
   * Opens (creating it if missing) the parent dataset.
   *
   * @param parent the parent dataset, such as {@code tank/lockplane}
   * @param zfsCommand the {@code zfs} program
   */
  public ZfsStorage(String parent, String zfsCommand) {
    if (parent == null || !parent.matches("[A-Za-z0-9][A-Za-z0-9_.:/-]*") || parent.endsWith("/")) {
      throw new LockplaneException(
          ErrorCode.INVALID_CONFIGURATION,
          "'" + parent + "' is not a ZFS dataset name; give a pool or dataset such as 'tank/lockplane'.");
    }
    this.parent = parent;
    this.zfs = zfsCommand;
    if (!datasetExists(parent)) {
      zfsOk(List.of("create", "-p", parent), parent);
    }
    Path mount = mountpoint(parent);
    if (mount == null) {
      throw new LockplaneException(
          ErrorCode.INVALID_CONFIGURATION,
          "ZFS dataset " + parent + " is not mounted (mountpoint none or legacy). Set a mountpoint:"
              + " zfs set mountpoint=/some/dir " + parent + ".");
    }
  }

  /** Returns whether the {@code zfs} program can be run. @param zfsCommand the program */
  public static boolean commandAvailable(String zfsCommand) {
    try {
      ProcessRunner.Result r = ProcessRunner.run(List.of(zfsCommand, "list", "-H", "-o", "name"), null, Map.of(), Duration.ofSeconds(30));
      return r.ok();
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * Finds the dataset mounted exactly at a directory.
   *
   * @param dir the directory
   * @param zfsCommand the program
   * @return the dataset, or {@code null}
   */
  public static String datasetMountedAt(Path dir, String zfsCommand) {
    try {
      ProcessRunner.Result r =
          ProcessRunner.run(List.of(zfsCommand, "get", "-H", "-p", "-o", "name,value", "mountpoint"), null, Map.of(), Duration.ofSeconds(30));
      if (!r.ok()) {
        return null;
      }
      Path want = dir.toAbsolutePath().normalize();
      for (String line : r.output().split("\n")) {
        String[] f = line.split("\t");
        if (f.length == 2 && f[1].startsWith("/") && !f[0].contains("@") && Path.of(f[1]).equals(want)) {
          return f[0];
        }
      }
    } catch (IOException e) {
      return null;
    }
    return null;
  }

  @Override
  public String id() {
    return "zfs:" + parent;
  }

  @Override
  public CopyMethod method() {
    return CopyMethod.ZFS_CLONE;
  }

  @Override
  public boolean constantTime() {
    return true;
  }

  @Override
  public String describe() {
    return "ZFS dataset " + parent + " mounted at " + mountpoint(parent) + " (zfs snapshot + zfs clone)";
  }

  @Override
  public Path stateDirectory() {
    Path dir = mountpoint(parent).resolve(STATE);
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new LockplaneException(ErrorCode.IO_ERROR, "Cannot create " + dir + " on " + parent + ": " + e, e);
    }
    return dir;
  }

  private String ds(String volume) {
    return parent + "/" + Names.check("volume", volume);
  }

  @Override
  public Path create(String volume) {
    String d = ds(volume);
    if (datasetExists(d)) {
      throw new LockplaneException(ErrorCode.ALREADY_EXISTS, "ZFS dataset " + d + " already exists.");
    }
    zfsOk(List.of("create", d), d);
    return path(volume);
  }

  @Override
  public boolean exists(String volume) {
    return datasetExists(ds(volume));
  }

  @Override
  public Path path(String volume) {
    String d = ds(volume);
    Path m = mountpoint(d);
    if (m == null) {
      throw new LockplaneException(ErrorCode.NOT_FOUND, "ZFS dataset " + d + " does not exist or is not mounted.");
    }
    return m;
  }

  @Override
  public void snapshot(String volume, String snapshot) {
    String s = ds(volume) + "@" + Names.check("snapshot", snapshot);
    zfsOk(List.of("snapshot", s), s);
  }

  @Override
  public Path clone(String volume, String snapshot, String target) {
    String s = ds(volume) + "@" + Names.check("snapshot", snapshot);
    String t = ds(target);
    if (datasetExists(t)) {
      throw new LockplaneException(ErrorCode.ALREADY_EXISTS, "ZFS dataset " + t + " already exists.");
    }
    zfsOk(List.of("clone", s, t), t);
    return path(target);
  }

  @Override
  public void rollback(String volume, String snapshot) {
    String s = ds(volume) + "@" + Names.check("snapshot", snapshot);
    zfsOk(List.of("rollback", "-r", s), s);
  }

  @Override
  public void destroy(String volume) {
    String d = ds(volume);
    if (!datasetExists(d)) {
      return;
    }
    destroyWhenIdle(List.of("destroy", "-r", d), d);
  }

  /**
   * Destroys a dataset, waiting while it is "busy": a server that just exited may still hold files
   * for a moment (FUSE releases them asynchronously), which blocks the unmount.
   */
  private void destroyWhenIdle(List<String> args, String target) {
    long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
    while (true) {
      ProcessRunner.Result r = zfs(args);
      if (r.ok()) {
        return;
      }
      if (!r.output().contains("busy") || System.nanoTime() > deadline) {
        zfsOk(args, target); // reports the failure
        return;
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        zfsOk(args, target);
        return;
      }
    }
  }

  @Override
  public void destroySnapshot(String volume, String snapshot) {
    String s = ds(volume) + "@" + Names.check("snapshot", snapshot);
    if (!datasetExists(s)) {
      return;
    }
    destroyWhenIdle(List.of("destroy", s), s);
  }

  @Override
  public List<String> volumes() {
    List<String> out = new ArrayList<>();
    for (String name : lines(zfsOk(List.of("list", "-H", "-o", "name", "-t", "filesystem", "-r", parent), parent))) {
      if (name.startsWith(parent + "/") && name.indexOf('/', parent.length() + 1) < 0) {
        out.add(name.substring(parent.length() + 1));
      }
    }
    out.sort(null);
    return out;
  }

  @Override
  public List<String> snapshots(String volume) {
    String d = ds(volume);
    List<String> out = new ArrayList<>();
    for (String name : lines(zfsOk(List.of("list", "-H", "-o", "name", "-t", "snapshot", "-r", d), d))) {
      if (name.startsWith(d + "@")) {
        out.add(name.substring(d.length() + 1));
      }
    }
    out.sort(null);
    return out;
  }

  @Override
  public SpaceUsage usage(String volume) {
    Map<String, Long> p = numbers(ds(volume), "used", "referenced");
    return new SpaceUsage(p.get("used"), p.get("referenced"));
  }

  @Override
  public long available() {
    return numbers(parent, "available").get("available");
  }

  private Map<String, Long> numbers(String dataset, String... props) {
    String out = zfsOk(List.of("get", "-H", "-p", "-o", "property,value", String.join(",", props), dataset), dataset);
    Map<String, Long> m = new HashMap<>();
    for (String line : lines(out)) {
      String[] f = line.split("\t");
      if (f.length != 2) {
        throw unexpected(out, "zfs get");
      }
      try {
        m.put(f[0], Long.parseLong(f[1]));
      } catch (NumberFormatException e) {
        throw unexpected(out, "zfs get");
      }
    }
    for (String p : props) {
      if (!m.containsKey(p)) {
        throw unexpected(out, "zfs get " + p);
      }
    }
    return m;
  }

  private static LockplaneException unexpected(String out, String what) {
    return new LockplaneException(
        ErrorCode.OS_ERROR, "Unexpected output from " + what + " (expected tab-separated exact values):\n" + out);
  }

  private Path mountpoint(String dataset) {
    ProcessRunner.Result r = zfs(List.of("get", "-H", "-p", "-o", "value", "mountpoint", dataset));
    if (!r.ok()) {
      return null;
    }
    String v = r.output().strip();
    return v.startsWith("/") ? Path.of(v) : null;
  }

  private boolean datasetExists(String dataset) {
    return zfs(List.of("list", "-H", "-o", "name", dataset)).ok();
  }

  private static List<String> lines(String out) {
    List<String> l = new ArrayList<>();
    for (String s : out.split("\n")) {
      if (!s.isBlank()) {
        l.add(s.strip());
      }
    }
    return l;
  }

  private ProcessRunner.Result zfs(List<String> args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(zfs);
    cmd.addAll(args);
    try {
      return ProcessRunner.run(cmd, null, Map.of("LC_ALL", "C"), TIMEOUT);
    } catch (IOException e) {
      throw new LockplaneException(
          ErrorCode.OS_ERROR,
          "Cannot run the '" + zfs + "' command (" + e.getMessage() + "). Install ZFS: OpenZFS"
              + " (apt-get install zfsutils-linux) or, without a kernel module, zfs-fuse"
              + " (apt-get install zfs-fuse, then start the zfs-fuse daemon); or use"
              + " CowStorages.reflink(path) or CowStorages.copy(path).",
          e);
    }
  }

  private String zfsOk(List<String> args, String target) {
    ProcessRunner.Result r = zfs(args);
    if (r.ok()) {
      return r.output();
    }
    String out = r.output().strip();
    String lower = out.toLowerCase(java.util.Locale.ROOT);
    String cmd = zfs + " " + String.join(" ", args);
    if (lower.contains("out of space") || lower.contains("no space left")) {
      long avail = -1;
      try {
        avail = numbers(parent, "available").get("available");
      } catch (RuntimeException ignored) {
        // the figure only helps the message
      }
      throw new LockplaneException(
          ErrorCode.DISK_FULL,
          "ZFS pool of " + target + " is full: '" + cmd + "' failed with no space left (" + out + "); "
              + (avail >= 0 ? avail + " bytes available under " + parent : "available space unknown")
              + ". Destroy clones or snapshots, or add space to the pool (zpool add / zpool online -e).");
    }
    if (lower.contains("has dependent clones") || lower.contains("dataset is busy") || lower.contains("has children")) {
      throw new LockplaneException(
          ErrorCode.IN_USE, "'" + cmd + "' failed: " + target + " is still in use (" + out + "). Destroy its clones first.");
    }
    if (lower.contains("already exists")) {
      throw new LockplaneException(ErrorCode.ALREADY_EXISTS, "'" + cmd + "' failed: " + out);
    }
    if (lower.contains("does not exist")) {
      throw new LockplaneException(ErrorCode.NOT_FOUND, "'" + cmd + "' failed: " + out);
    }
    if (lower.contains("connect") && lower.contains("zfs-fuse")) {
      throw new LockplaneException(
          ErrorCode.OS_ERROR, "'" + cmd + "' failed: " + out + ". The zfs-fuse daemon is not running; start it (zfs-fuse).");
    }
    throw new LockplaneException(ErrorCode.OS_ERROR, "'" + cmd + "' failed (exit " + r.exitCode() + "): " + out);
  }
}
