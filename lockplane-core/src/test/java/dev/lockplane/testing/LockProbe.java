package dev.lockplane.testing;

import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Asks from another process whether an OS file lock is free, as another JVM would see it (a JVM
 * cannot ask itself: a second descriptor of a file it has locked would drop that lock when closed).
 */
public final class LockProbe {
  private LockProbe() {}

  /**
   * Whether some process holds a lock on the file, asked by a child JVM.
   *
   * @param file the lock file
   * @return true when the child could not take the lock
   * @throws Exception when the child cannot run
   */
  public static boolean held(Path file) throws Exception {
    Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
        System.getProperty("java.class.path"), LockProbe.class.getName(), file.toString())
        .redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes()).strip();
    if (p.waitFor() != 0 || !(out.equals("held") || out.equals("free"))) {
      throw new IllegalStateException("the lock probe failed: " + out);
    }
    return out.equals("held");
  }

  /**
   * Prints {@code held} or {@code free} for the file named.
   *
   * @param args the file
   * @throws Exception when it cannot be opened
   */
  public static void main(String[] args) throws Exception {
    try (FileChannel ch = FileChannel.open(Path.of(args[0]), StandardOpenOption.WRITE)) {
      FileLock l = ch.tryLock();
      System.out.println(l == null ? "held" : "free");
    }
  }
}
