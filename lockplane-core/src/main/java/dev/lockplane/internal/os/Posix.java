package dev.lockplane.internal.os;

import dev.lockplane.ErrorCode;
import dev.lockplane.LockplaneException;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import jnr.constants.platform.Signal;
import jnr.posix.POSIX;
import jnr.posix.POSIXFactory;
import jnr.posix.Passwd;

/** The few POSIX calls the runtime needs: identity, signals, ownership. */
public final class Posix {
  private static final POSIX POSIX = POSIXFactory.getNativePOSIX();

  private Posix() {}

  /** Returns whether this JVM runs with effective user id 0. */
  public static boolean isRoot() {
    return POSIX.geteuid() == 0;
  }

  /** Returns the effective user id of this JVM. */
  public static int euid() {
    return POSIX.geteuid();
  }

  /** Returns the account that this JVM runs as. */
  public static OsUser currentUser() {
    int uid = POSIX.geteuid();
    Passwd pw = POSIX.getpwuid(uid);
    String name = pw == null ? String.valueOf(uid) : pw.getLoginName();
    return new OsUser(name, uid, POSIX.getegid());
  }

  /**
   * Looks up an account by name.
   *
   * @param name the user name
   * @return the account, or empty when there is none
   */
  public static Optional<OsUser> user(String name) {
    Passwd pw = POSIX.getpwnam(name);
    if (pw == null) {
      return Optional.empty();
    }
    return Optional.of(new OsUser(pw.getLoginName(), (int) pw.getUID(), (int) pw.getGID()));
  }

  /**
   * The account PostgreSQL runs as: this JVM's own account, or, when the JVM is root (PostgreSQL
   * refuses to run as root), {@code preferred} if given, else {@code postgres} where it exists,
   * else {@code nobody}.
   *
   * @param preferred a user name asked for by the caller, or {@code null}
   * @return the account
   */
  public static OsUser serverUser(String preferred) {
    if (!isRoot()) {
      return currentUser();
    }
    List<String> candidates = new ArrayList<>();
    if (preferred != null) {
      candidates.add(preferred);
    } else {
      candidates.add("postgres");
      candidates.add("nobody");
    }
    for (String c : candidates) {
      Optional<OsUser> u = user(c);
      if (u.isPresent() && u.get().uid() != 0) {
        return u.get();
      }
    }
    throw new LockplaneException(
        ErrorCode.OS_ERROR,
        "This JVM runs as root and PostgreSQL refuses to run as root, but none of the users "
            + candidates
            + " exists (or it is root). Create an unprivileged user, for example 'useradd -r postgres',"
            + " or name one with LocalPostgres.builder().osUser(...).");
  }

  /**
   * Sends a signal to a process.
   *
   * @param pid the process id
   * @param signal the signal
   * @return whether the signal was delivered
   */
  public static boolean kill(long pid, Signal signal) {
    return POSIX.kill((int) pid, signal.intValue()) == 0;
  }

  /** Returns whether a process with this id exists (it may belong to another user). */
  public static boolean isAlive(long pid) {
    if (pid <= 0) {
      return false;
    }
    return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
  }

  /**
   * Gives a file tree to a user, when this JVM is root. Symbolic links are changed themselves, not
   * followed. Does nothing when not root.
   *
   * @param root the tree's top
   * @param user the new owner
   * @throws IOException on failure
   */
  public static void chownTree(Path root, OsUser user) throws IOException {
    if (!isRoot()) {
      return;
    }
    Files.walkFileTree(
        root,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs)
              throws IOException {
            chown(dir, user);
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
            chown(file, user);
            return FileVisitResult.CONTINUE;
          }
        });
  }

  /**
   * Changes the owner of one file (not following a link), when this JVM is root.
   *
   * @param path the file
   * @param user the new owner
   * @throws IOException on failure
   */
  public static void chown(Path path, OsUser user) throws IOException {
    if (!isRoot()) {
      return;
    }
    int rc = POSIX.lchown(path.toString(), user.uid(), user.gid());
    if (rc != 0) {
      throw new IOException("chown " + user.name() + " " + path + " failed: errno " + POSIX.errno());
    }
  }

  /**
   * Sets a file's permissions, like {@code chmod}.
   *
   * @param path the file
   * @param perms permissions such as {@code rwx------}
   * @throws IOException on failure
   */
  public static void chmod(Path path, String perms) throws IOException {
    Set<PosixFilePermission> p = PosixFilePermissions.fromString(perms);
    Files.setPosixFilePermissions(path, p);
  }

  /**
   * Sets a file's permission bits, like {@code chmod 0640}.
   *
   * @param path the file
   * @param mode the bits (only the lowest nine count)
   * @throws IOException on failure
   */
  public static void chmod(Path path, int mode) throws IOException {
    Set<PosixFilePermission> p = java.util.EnumSet.noneOf(PosixFilePermission.class);
    for (PosixFilePermission perm : PosixFilePermission.values()) {
      // OWNER_READ is bit 8 (0400), OTHERS_EXECUTE bit 0 (0001)
      if ((mode & (1 << (8 - perm.ordinal()))) != 0) {
        p.add(perm);
      }
    }
    Files.setPosixFilePermissions(path, p);
  }

  /**
   * Makes a directory tree readable (and directories and executables traversable) by every user,
   * like {@code chmod -R a+rX}.
   *
   * @param root the tree's top
   * @throws IOException on failure
   */
  public static void makeWorldReadable(Path root) throws IOException {
    Files.walkFileTree(
        root,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs)
              throws IOException {
            add(dir, true);
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
            if (!attrs.isSymbolicLink()) {
              Set<PosixFilePermission> p = Files.getPosixFilePermissions(file, LinkOption.NOFOLLOW_LINKS);
              add(file, p.contains(PosixFilePermission.OWNER_EXECUTE));
            }
            return FileVisitResult.CONTINUE;
          }

          private void add(Path p, boolean exec) throws IOException {
            Set<PosixFilePermission> perms =
                Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS);
            perms.add(PosixFilePermission.OWNER_READ);
            perms.add(PosixFilePermission.GROUP_READ);
            perms.add(PosixFilePermission.OTHERS_READ);
            if (exec) {
              perms.add(PosixFilePermission.GROUP_EXECUTE);
              perms.add(PosixFilePermission.OTHERS_EXECUTE);
            }
            Files.setPosixFilePermissions(p, perms);
          }
        });
  }

  /**
   * The command prefix that runs a program as {@code user}: empty when the JVM already is that
   * user, else {@code setpriv} with the user's ids.
   *
   * @param user the account to run as
   * @return the prefix to put before the program and its arguments
   */
  public static List<String> runAs(OsUser user) {
    if (!isRoot() || user.uid() == 0) {
      return List.of();
    }
    return List.of(
        "setpriv",
        "--reuid=" + user.uid(),
        "--regid=" + user.gid(),
        "--clear-groups",
        "--");
  }
}
