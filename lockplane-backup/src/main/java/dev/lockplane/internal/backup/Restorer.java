package dev.lockplane.internal.backup;

import dev.lockplane.ErrorCode;
import dev.lockplane.backup.BackupException;
import dev.lockplane.backup.Progress;
import dev.lockplane.internal.fs.FileTrees;
import dev.lockplane.internal.os.OsUser;
import dev.lockplane.internal.os.Posix;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * Writes a backup's files into a directory: every manifest path is checked to stay inside the
 * target before anything is written, the key is checked on the first object, parts are decoded in
 * parallel (those of one file too) and written in order, and a failed restore removes what it wrote.
 */
public final class Restorer {
  private Restorer() {}

  /**
   * Resolves a manifest path inside a target, refusing absolute paths and {@code ..}.
   *
   * @param target the target directory (absolute, normalized)
   * @param path the manifest path
   * @param backupId for messages
   * @return the resolved path
   */
  public static Path inside(Path target, String path, String backupId) {
    boolean bad = path.isEmpty() || path.startsWith("/") || path.contains("\\") || path.contains("\0");
    if (!bad) {
      for (String part : path.split("/")) {
        if (part.isEmpty() || part.equals("..") || part.equals(".")) {
          bad = true;
        }
      }
    }
    Path p = target.resolve(path).normalize();
    if (bad || !p.startsWith(target) || p.equals(target)) {
      throw new BackupException(ErrorCode.CORRUPTED,
          "Backup " + backupId + " names the path '" + path + "', which escapes the restore target " + target
              + ". Nothing was restored; the manifest was tampered with or is not a Lockplane manifest.",
          backupId, RepositoryEngine.MANIFEST, null);
    }
    return p;
  }

  /**
   * Refuses a non-empty target unless told to replace it, and empties it when told.
   *
   * @return whether the target directory was created by this call
   */
  public static boolean prepareTarget(Path target, boolean overwrite, String backupId) {
    try {
      if (Files.exists(target)) {
        if (!Files.isDirectory(target)) {
          throw new BackupException(ErrorCode.ALREADY_EXISTS,
              "The restore target " + target + " is a file, not a directory. Choose a directory.", backupId, null, null);
        }
        boolean empty;
        try (Stream<Path> s = Files.list(target)) {
          empty = s.findAny().isEmpty();
        }
        if (!empty) {
          if (!overwrite) {
            throw new BackupException(ErrorCode.ALREADY_EXISTS,
                "The restore target " + target + " is not empty. Choose an empty or new directory, or allow"
                    + " replacing its contents (overwrite(true), --overwrite).", backupId, null, null);
          }
          try (Stream<Path> s = Files.list(target)) {
            for (Path p : s.toList()) {
              FileTrees.delete(p);
            }
          }
        }
        return false;
      }
      LocalDirectoryStorage.createPrivateDirectories(target);
      return true;
    } catch (IOException e) {
      throw new BackupException(ErrorCode.IO_ERROR, "Cannot prepare the restore target " + target + ": " + e, backupId, null, e);
    }
  }

  /**
   * Restores the files whose paths match a filter.
   *
   * @param engine the repository
   * @param m the manifest
   * @param target the target directory, absolute
   * @param filter which manifest paths to restore
   * @param overwrite whether a non-empty target may be emptied
   * @param progress the tracker
   */
  public static void restoreFiles(RepositoryEngine engine, Manifest m, Path target, Predicate<String> filter,
      boolean overwrite, ProgressTracker progress) {
    IncrementalChain.require(engine, m);
    Path root = target.toAbsolutePath().normalize();
    List<Manifest.FileEntry> files = m.files().stream().filter(f -> filter.test(f.path())).toList();
    for (String d : m.directories()) {
      if (filter.test(d)) {
        inside(root, d, m.id());
      }
    }
    for (Manifest.FileEntry f : files) {
      inside(root, f.path(), m.id());
    }
    ObjectCodec codec = engine.codecFor(m);
    probeKey(engine, codec, m);
    boolean created = prepareTarget(root, overwrite, m.id());
    progress.phase(Progress.Phase.RESTORING, files.stream().mapToLong(Manifest.FileEntry::size).sum(), files.size());
    ExecutorService pool = Executors.newFixedThreadPool(engine.parallelism(), r -> {
      Thread t = new Thread(r, "lockplane-restore");
      t.setDaemon(true);
      return t;
    });
    try {
      for (String d : m.directories()) {
        if (filter.test(d)) {
          LocalDirectoryStorage.createPrivateDirectories(inside(root, d, m.id()));
        }
      }
      // one task per part, queued in manifest order: a large file's parts decode in parallel
      FileAssembly.Budget budget = FileAssembly.budget();
      List<Future<?>> futures = new ArrayList<>();
      List<FileAssembly> assemblies = new ArrayList<>();
      AtomicBoolean failing = new AtomicBoolean();
      for (Manifest.FileEntry f : files) {
        FileAssembly file = new FileAssembly(inside(root, f.path(), m.id()), f.parts().size());
        assemblies.add(file);
        if (f.parts().isEmpty()) {
          futures.add(pool.submit(() -> {
            file.awaitCreated();
            finish(engine, codec, m, f, file.path(), progress);
            return null;
          }));
          continue;
        }
        for (int i = 0; i < f.parts().size(); i++) {
          int index = i;
          StoredObject o = f.parts().get(i);
          futures.add(pool.submit(() -> {
            try {
              if (index == 0) {
                file.open();
              }
              boolean last;
              try (InputStream in = codec.readForRestore(engine.storage(), ObjectKeys.ownerOf(o.key(), m.id()), o)) {
                last = file.append(in, index, o.size(), budget, progress);
              }
              if (last) {
                finish(engine, codec, m, f, file.path(), progress);
              }
            } catch (Exception | Error e) {
              file.fail();
              failing.set(true);
              throw e;
            }
            return null;
          }));
        }
      }
      // this thread creates the files, in the order their parts were queued, while the pool decodes
      createAll(assemblies, failing);
      for (Future<?> fu : futures) {
        try {
          fu.get();
        } catch (ExecutionException e) {
          // a part whose file failed earlier gives way to that failure, which comes first in order
          if (!(e.getCause() instanceof FileAssembly.Abandoned)) {
            throw e;
          }
        }
      }
    } catch (ExecutionException | InterruptedException | IOException | RuntimeException e) {
      pool.shutdownNow();
      // a part task still running would write into what the clean-up removes, after it: the clean-up
      // waits for the tasks to stop
      awaitStopped(pool);
      cleanup(root, created);
      Throwable cause = e instanceof ExecutionException ee ? ee.getCause() : e;
      if (cause instanceof BackupException be) {
        throw be;
      }
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      throw new BackupException(DataWriter.isDiskFull(cause) ? ErrorCode.DISK_FULL : ErrorCode.IO_ERROR,
          "Restoring backup " + m.id() + " into " + root + " failed: " + cause + ". What was restored was removed.",
          m.id(), null, cause);
    } finally {
      pool.shutdownNow();
    }
  }

  /**
   * Creates the files of a restore in order, each before its parts can write. When one cannot be
   * created, or a part failed, the files not created yet fail, so their parts give up instead of
   * waiting and the first failure is the one reported.
   */
  private static void createAll(List<FileAssembly> assemblies, AtomicBoolean failing)
      throws IOException {
    for (int i = 0; i < assemblies.size(); i++) {
      if (failing.get()) {
        assemblies.subList(i, assemblies.size()).forEach(FileAssembly::fail);
        return;
      }
      try {
        assemblies.get(i).create();
      } catch (FileAssembly.Abandoned e) {
        // a part of this file failed already: that failure is reported, creating it adds nothing
      } catch (IOException | RuntimeException e) {
        assemblies.subList(i, assemblies.size()).forEach(FileAssembly::fail);
        throw e;
      }
    }
  }

  /** Completes a file whose content is written: block deltas of an incremental, then its mode. */
  private static void finish(RepositoryEngine engine, ObjectCodec codec, Manifest m, Manifest.FileEntry f, Path p,
      ProgressTracker progress) throws IOException {
    if (f.hasDeltas()) {
      BlockDeltas.apply(engine, codec, m, f, p, progress);
    }
    applyMode(p, f);
    progress.fileDone();
  }

  /**
   * Creates a new file of mode 0600 for restored data: nobody else can read it while it is written,
   * whatever the umask; {@link #applyMode} gives it its recorded mode once complete.
   *
   * @param p the file, which must not exist
   * @return a stream writing it
   * @throws IOException when it cannot be created
   */
  public static OutputStream newPrivateFile(Path p) throws IOException {
    java.util.Set<StandardOpenOption> options = java.util.Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    if (!p.getFileSystem().supportedFileAttributeViews().contains("posix")) {
      return Files.newOutputStream(p, StandardOpenOption.CREATE_NEW);
    }
    return java.nio.channels.Channels.newOutputStream(Files.newByteChannel(p, options,
        java.nio.file.attribute.PosixFilePermissions.asFileAttribute(LocalDirectoryStorage.FILE_MODE)));
  }

  /**
   * Gives a restored file the mode its source had (0600 when the manifest records none).
   *
   * @param p the restored file
   * @param f its manifest entry
   * @throws IOException when the mode cannot be set
   */
  public static void applyMode(Path p, Manifest.FileEntry f) throws IOException {
    if (!p.getFileSystem().supportedFileAttributeViews().contains("posix")) {
      return;
    }
    Posix.chmod(p, Manifest.modeBits(f));
  }

  /** Streams one file's plaintext, part after part. */
  public static void copyPlaintext(RepositoryEngine engine, ObjectCodec codec, Manifest m, Manifest.FileEntry f,
      OutputStream out, ProgressTracker progress) throws IOException {
    byte[] buf = new byte[ObjectCodec.IO_CHUNK];
    for (StoredObject o : f.parts()) {
      try (InputStream in = codec.read(engine.storage(), ObjectKeys.ownerOf(o.key(), m.id()), o)) {
        int n;
        while ((n = in.read(buf)) >= 0) {
          long t0 = PipelineProfile.ON ? System.nanoTime() : 0;
          out.write(buf, 0, n);
          if (PipelineProfile.ON) {
            PipelineProfile.add(PipelineProfile.Stage.TARGET_WRITE, System.nanoTime() - t0);
          }
          progress.bytes(n);
        }
      }
    }
  }

  /** Fails early, before anything is written, when the keyset cannot decrypt the backup. */
  public static void probeKey(RepositoryEngine engine, ObjectCodec codec, Manifest m) {
    if (m.encryption() == null || m.objects().isEmpty()) {
      return;
    }
    StoredObject first = m.objects().get(0);
    try (InputStream in = codec.read(engine.storage(), ObjectKeys.ownerOf(first.key(), m.id()), first)) {
      in.read(new byte[1]);
    } catch (IOException e) {
      throw new BackupException(ErrorCode.IO_ERROR, "Cannot read object " + first.key() + " of backup " + m.id() + ": " + e,
          m.id(), first.key(), e);
    }
  }

  /** Gives a restored data directory to the account the server runs as, with PostgreSQL's modes. */
  public static void makeDataDirectory(Path dir) {
    try {
      OsUser user = Posix.serverUser(null);
      try (Stream<Path> s = Files.walk(dir)) {
        for (Path p : s.toList()) {
          Posix.chmod(p, Files.isDirectory(p) ? "rwx------" : "rw-------");
        }
      }
      Posix.chownTree(dir, user);
    } catch (IOException e) {
      throw new BackupException(ErrorCode.IO_ERROR, "Cannot set the owner and modes of " + dir + ": " + e, null, null, e);
    }
  }

  /** Waits for a pool's tasks to end after {@code shutdownNow}, even when this thread was interrupted. */
  private static void awaitStopped(ExecutorService pool) {
    boolean interrupted = Thread.interrupted();
    try {
      pool.awaitTermination(60, java.util.concurrent.TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      interrupted = true;
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  private static void cleanup(Path root, boolean created) {
    if (created) {
      FileTrees.deleteQuietly(root);
      return;
    }
    try (Stream<Path> s = Files.list(root)) {
      for (Path p : s.toList()) {
        FileTrees.deleteQuietly(p);
      }
    } catch (IOException ignored) {
      // best effort: the error that caused the cleanup is reported
    }
  }
}
