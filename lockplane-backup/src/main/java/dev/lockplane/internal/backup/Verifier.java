package dev.lockplane.internal.backup;

import dev.lockplane.ErrorCode;
import dev.lockplane.backup.BackupException;
import dev.lockplane.backup.Progress;
import dev.lockplane.backup.VerifyDepth;
import dev.lockplane.backup.VerifyReport;
import dev.lockplane.backup.VerifyReport.Problem;
import dev.lockplane.postgres.LocalPostgres;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/** Checks a backup at one of three depths; every problem names the object at fault. */
public final class Verifier {
  /**
   * One read buffer per worker thread: most objects of a cluster are small files, and a fresh
   * 1 MiB buffer per object cost more in allocation than reading them.
   */
  private static final ThreadLocal<byte[]> BUFFER = ThreadLocal.withInitial(() -> new byte[ObjectCodec.IO_CHUNK]);

  private Verifier() {}

  /**
   * Verifies a backup.
   *
   * @param engine the repository
   * @param id the backup id
   * @param depth how deep
   * @param samplePercent the share of objects whose data is read (1–100); structure is always complete
   * @param drillServer for logical drills, a server to restore into, or {@code null}
   * @param progress the tracker
   * @return the report
   */
  public static VerifyReport verify(RepositoryEngine engine, String id, VerifyDepth depth, int samplePercent,
      LocalPostgres drillServer, ProgressTracker progress) {
    long t0 = System.nanoTime();
    List<Problem> problems = new ArrayList<>();
    String prefix = DataWriter.prefix(id);
    byte[] primary = read(engine, prefix + RepositoryEngine.MANIFEST, problems);
    if (primary == null) {
      // without its manifest a backup never completed: it does not exist, whatever else is there
      throw new BackupException(ErrorCode.NOT_FOUND, "No backup '" + id + "' in " + engine.storage().describe()
          + " (no " + RepositoryEngine.MANIFEST + "). List backups to see the ids.", id, prefix + RepositoryEngine.MANIFEST, null);
    }
    byte[] copy = read(engine, prefix + RepositoryEngine.MANIFEST_COPY, problems);
    Manifest m = null;
    for (Object[] candidate : new Object[][] {{RepositoryEngine.MANIFEST, primary}, {RepositoryEngine.MANIFEST_COPY, copy}}) {
      byte[] bytes = (byte[]) candidate[1];
      if (bytes == null) {
        continue;
      }
      try {
        Manifest parsed = ManifestCodec.decode(bytes);
        if (m == null) {
          m = parsed;
        }
      } catch (ManifestCodec.UnsafeManifest e) {
        // a forged manifest is refused outright, as restore refuses it, not replaced by its copy
        throw RepositoryEngine.unsafe(id, prefix + candidate[0], e);
      } catch (ManifestCodec.InvalidManifest e) {
        problems.add(new Problem(prefix + candidate[0], candidate[0] + " " + e.getMessage()));
      }
    }
    if (m == null) {
      return new VerifyReport(id, depth, problems, 0, 0, false, Duration.ofNanos(System.nanoTime() - t0));
    }
    if (primary != null && copy != null && problems.isEmpty() && !Arrays.equals(primary, copy)) {
      problems.add(new Problem(prefix + RepositoryEngine.MANIFEST_COPY, "the manifest and its copy differ"));
    }

    // an incremental backup is only as good as its chain: every link is named when it is missing or damaged
    problems.addAll(IncrementalChain.links(engine, m));
    List<StoredObject> objects = m.objects();
    progress.phase(Progress.Phase.VERIFYING, m.storedSize(), objects.size());
    StoredSizes sizes = new StoredSizes(engine.storage());
    for (StoredObject o : objects) {
      try {
        long size = sizes.size(o);
        if (size != o.storedSize()) {
          problems.add(new Problem(o.key(), "stored size is " + size + " bytes, the manifest records " + o.storedSize()
              + (size < o.storedSize() ? " (truncated)" : "")));
        }
      } catch (NoSuchFileException e) {
        problems.add(new Problem(o.key(), "missing"));
      } catch (IOException e) {
        problems.add(new Problem(o.key(), "cannot be read: " + Redaction.text(e)));
      }
    }
    int checked = 0;
    long bytes = 0;
    boolean plaintext = engine.hasKeys() || m.encryption() == null;
    if (depth != VerifyDepth.STRUCTURE) {
      ObjectCodec codec = plaintext ? engine.codecFor(m) : null;
      List<StoredObject> todo = new ArrayList<>();
      for (StoredObject o : objects) {
        if (sampled(o, samplePercent) && problems.stream().noneMatch(p -> p.object().equals(o.key()))) {
          todo.add(o);
          checked++;
          bytes += o.storedSize();
        }
      }
      List<Problem> found = java.util.Collections.synchronizedList(new ArrayList<>());
      ExecutorService pool = Executors.newFixedThreadPool(engine.parallelism(), r -> {
        Thread t = new Thread(r, "lockplane-verify");
        t.setDaemon(true);
        return t;
      });
      try {
        List<Future<?>> futures = new ArrayList<>();
        for (StoredObject o : todo) {
          futures.add(pool.submit(() -> {
            checkObject(engine, codec, id, o, found);
            progress.bytes(o.storedSize());
            return null;
          }));
        }
        for (Future<?> f : futures) {
          try {
            f.get();
          } catch (ExecutionException e) {
            if (e.getCause() instanceof BackupException be) {
              throw be;
            }
            throw new BackupException(ErrorCode.IO_ERROR, "Verifying backup " + id + " failed: " + Redaction.text(e.getCause()), id, null, e.getCause());
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BackupException(ErrorCode.IO_ERROR, "Verifying backup " + id + " was interrupted", id, null, e);
          }
        }
      } finally {
        pool.shutdownNow();
      }
      // report in manifest order, whatever order the threads finished in
      for (StoredObject o : objects) {
        for (Problem p : found) {
          if (p.object().equals(o.key())) {
            problems.add(p);
          }
        }
      }
    }
    if (depth == VerifyDepth.DRILL && problems.isEmpty()) {
      progress.phase(Progress.Phase.DRILLING, -1, -1);
      try (Scratch s = Scratch.open(engine, m, drillServer, null, new ProgressTracker(null))) {
        Map<String, Manifest.TableInfo> now = s.stats();
        for (Map.Entry<String, Manifest.TableInfo> e : m.tables().entrySet()) {
          Manifest.TableInfo got = now.get(e.getKey());
          if (got == null) {
            problems.add(new Problem(e.getKey(), "table missing after restore"));
          } else if (e.getValue().counted() && got.rows() != e.getValue().rows()) {
            problems.add(new Problem(e.getKey(), "has " + got.rows() + " rows after restore, " + e.getValue().rows()
                + " were recorded at backup time"));
          }
        }
      } catch (java.sql.SQLException e) {
        problems.add(new Problem("drill", "querying the restored backup failed: " + Redaction.message(e)));
      } catch (BackupException e) {
        if (e.code() == ErrorCode.KEY_UNAVAILABLE) {
          throw e;
        }
        problems.add(new Problem(e.objectKey().orElse("drill"), "restore failed: " + Redaction.message(e)));
      } catch (dev.lockplane.LockplaneException e) {
        problems.add(new Problem("drill", "restored server failed: " + Redaction.message(e)));
      }
    }
    if (problems.isEmpty() && depth != VerifyDepth.STRUCTURE && plaintext && samplePercent >= 100) {
      engine.markVerified(id, depth.name().toLowerCase(java.util.Locale.ROOT));
    }
    progress.phase(Progress.Phase.DONE, bytes, checked);
    return new VerifyReport(id, depth, problems, checked, bytes, plaintext, Duration.ofNanos(System.nanoTime() - t0));
  }

  /** Checks one object: stored bytes only without a key; with one, a full read that checks both digests. */
  private static void checkObject(RepositoryEngine engine, ObjectCodec codec, String id, StoredObject o, List<Problem> found) {
    try {
      if (codec == null) {
        String bad = ObjectCodec.checkStored(engine.storage(), o);
        if (bad != null) {
          found.add(new Problem(o.key(), bad));
        }
        return;
      }
      try (InputStream in = codec.read(engine.storage(), ObjectKeys.ownerOf(o.key(), id), o)) {
        byte[] buf = BUFFER.get();
        while (in.read(buf) >= 0) {
          // the stream checks sizes and digests as it reaches its end
        }
      }
    } catch (BackupException e) {
      if (e.code() == ErrorCode.KEY_UNAVAILABLE) {
        throw e;
      }
      found.add(new Problem(o.key(), e.getMessage()));
    } catch (IOException e) {
      found.add(new Problem(o.key(), "cannot be read: " + Redaction.text(e)));
    }
  }

  /** Samples objects by a hash of their key, so a repeated verify with the same share reads the same objects. */
  private static boolean sampled(StoredObject o, int percent) {
    if (percent >= 100) {
      return true;
    }
    int h = Math.floorMod(Arrays.hashCode(o.key().getBytes(StandardCharsets.UTF_8)) * 0x9E3779B1, 100);
    return h < percent;
  }

  private static byte[] read(RepositoryEngine engine, String key, List<Problem> problems) {
    try {
      return engine.readObject(key);
    } catch (NoSuchFileException e) {
      problems.add(new Problem(key, "missing"));
      return null;
    } catch (IOException e) {
      problems.add(new Problem(key, "cannot be read: " + Redaction.text(e)));
      return null;
    }
  }
}
