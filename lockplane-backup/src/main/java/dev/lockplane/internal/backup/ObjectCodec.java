package dev.lockplane.internal.backup;

import com.github.luben.zstd.RecyclingBufferPool;
import com.github.luben.zstd.ZstdIOException;
import com.github.luben.zstd.ZstdInputStream;
import com.google.crypto.tink.StreamingAead;
import dev.lockplane.ErrorCode;
import dev.lockplane.backup.BackupException;
import dev.lockplane.backup.BackupStorage;
import dev.lockplane.backup.Compression;
import java.io.FilterInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.function.LongConsumer;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipParameters;

/**
 * Turns plaintext into a stored object and back: plaintext → SHA-256 → compression → streaming AEAD
 * (associated data: backup id and object key) → SHA-256 of the stored bytes. Reading checks both
 * digests and sizes at the end of the stream, so a reader that consumes everything knows the data is
 * what was written.
 */
public final class ObjectCodec {
  /**
   * The size of reads from sources and of writes to storage: large enough that system calls and
   * per-call overheads (JNI, digest updates) vanish next to the work per byte.
   */
  static final int IO_CHUNK = 1 << 20;

  private final Compression compression;
  private final StreamingAead aead;

  /**
   * Creates a codec.
   *
   * @param compression the compression
   * @param aead the encryption, or {@code null} for none
   */
  public ObjectCodec(Compression compression, StreamingAead aead) {
    this.compression = compression;
    this.aead = aead;
  }

  /** The associated data binding an object to its backup and key, so objects cannot be swapped. */
  public static byte[] associatedData(String backupId, String objectKey) {
    return ("lockplane-backup\0" + backupId + "\0" + objectKey).getBytes(StandardCharsets.UTF_8);
  }

  /**
   * Writes an object from a source, reading at most {@code limit} bytes.
   *
   * @param storage where to write
   * @param backupId the backup id
   * @param key the object key
   * @param source the plaintext
   * @param limit the maximum number of bytes to read from the source
   * @param progress receives plaintext byte counts as they are read
   * @return what was written
   * @throws IOException when reading or writing fails; the partial object is deleted
   */
  public StoredObject write(BackupStorage storage, String backupId, String key, InputStream source, long limit,
      LongConsumer progress) throws IOException {
    Counting stored = null;
    OutputStream comp = null;
    boolean done = false;
    try {
      stored = new Counting(storage.create(key));
      OutputStream enc = stored;
      if (aead != null) {
        try {
          // the AEAD writes one small segment at a time: buffering gives storage and digest whole chunks
          // sized to the object: a 1 MiB buffer allocated and zeroed per small file was most of its cost
          enc = aead.newEncryptingStream(new java.io.BufferedOutputStream(stored,
              (int) Math.max(8192, Math.min(IO_CHUNK, limit + (limit >> 6) + 1024))), associatedData(backupId, key));
          if (PipelineProfile.ON) {
            enc = new TimedOut(enc, PipelineProfile.Stage.ENCRYPT, PipelineProfile.Stage.COMPRESS);
            stored.parent = PipelineProfile.Stage.ENCRYPT;
          }
        } catch (GeneralSecurityException e) {
          throw new IOException("cannot start encryption: " + e.getClass().getSimpleName());
        }
      }
      comp = switch (compression.algorithm()) {
        case ZSTD -> new ZstdFrames(enc, compression.level(), limit);
        case GZIP -> {
          GzipParameters p = new GzipParameters();
          p.setCompressionLevel(compression.level());
          yield new GzipCompressorOutputStream(enc, p);
        }
        case NONE -> enc;
      };
      MessageDigest plain = sha256();
      byte[] buf = new byte[(int) Math.max(1, Math.min(IO_CHUNK, limit))];
      long total = 0;
      while (total < limit) {
        long t0 = PipelineProfile.ON ? System.nanoTime() : 0;
        int n = source.read(buf, 0, (int) Math.min(buf.length, limit - total));
        if (n < 0) {
          break;
        }
        long t1 = PipelineProfile.ON ? System.nanoTime() : 0;
        plain.update(buf, 0, n);
        long t2 = PipelineProfile.ON ? System.nanoTime() : 0;
        comp.write(buf, 0, n);
        if (PipelineProfile.ON) {
          long t3 = System.nanoTime();
          PipelineProfile.add(PipelineProfile.Stage.SOURCE_READ, t1 - t0);
          PipelineProfile.add(PipelineProfile.Stage.PLAIN_HASH, t2 - t1);
          PipelineProfile.add(PipelineProfile.Stage.COMPRESS, t3 - t2);
        }
        total += n;
        progress.accept(n);
      }
      long tc = PipelineProfile.ON ? System.nanoTime() : 0;
      comp.close();
      if (PipelineProfile.ON) {
        PipelineProfile.add(PipelineProfile.Stage.COMPRESS, System.nanoTime() - tc);
      }
      done = true;
      return new StoredObject(key, total, stored.count, hex(plain.digest()), hex(stored.digest.digest()));
    } finally {
      if (!done) {
        if (comp instanceof ZstdFrames frames) {
          frames.discard();
        }
        // delete before close: an object store publishes an object when its stream closes
        try {
          storage.delete(key);
        } catch (IOException ignored) {
          // the original failure matters more; prune removes leftovers of backups without a manifest
        }
        if (stored != null) {
          try {
            stored.out.close();
          } catch (IOException ignored) {
            // the object is deleted; its close failure adds nothing
          }
        }
      }
    }
  }

  /**
   * Opens an object for reading its plaintext. The stream checks sizes and both digests when it
   * reaches the end and throws {@link BackupException} ({@code CORRUPTED} or {@code KEY_UNAVAILABLE})
   * naming the object on any mismatch.
   *
   * @param storage where to read
   * @param backupId the backup id
   * @param expected the recorded object
   * @return the plaintext
   * @throws IOException when the object cannot be opened
   */
  public InputStream read(BackupStorage storage, String backupId, StoredObject expected) throws IOException {
    return read(storage, backupId, expected, false);
  }

  /**
   * Opens an object for restoring its plaintext: as {@link #read(BackupStorage, String, StoredObject)},
   * except that what decoding already checks is not hashed again. An encrypted object's stored bytes
   * are not hashed, since the AEAD authenticates them (every segment's tag, and the last segment's,
   * so nothing is cut off or appended) under a key only the keyset holds and bound to the backup id
   * and object key. The plaintext is not hashed when its decoding checks it: zstd frames with
   * content checksums (those written since they were added; earlier objects are hashed as before),
   * gzip's CRC-32 and size, or no compression (the plaintext is the stored bytes, authenticated or
   * hashed). Sizes are always checked. {@code verify} checks both SHA-256 of every object.
   *
   * @param storage where to read
   * @param backupId the backup id
   * @param expected the recorded object
   * @return the plaintext
   * @throws IOException when the object cannot be opened
   */
  public InputStream readForRestore(BackupStorage storage, String backupId, StoredObject expected) throws IOException {
    return read(storage, backupId, expected, true);
  }

  private InputStream read(BackupStorage storage, String backupId, StoredObject expected, boolean restore)
      throws IOException {
    boolean hashStored = !restore || aead == null;
    // the AEAD reads one small segment at a time: buffering turns those into large storage reads
    CountingIn stored = new CountingIn(new PooledBuffer(storage.open(expected.key()),
        (int) Math.max(8192, Math.min(IO_CHUNK, expected.storedSize()))), hashStored);
    InputStream dec = stored;
    if (aead != null) {
      try {
        dec = aead.newDecryptingStream(stored, associatedData(backupId, expected.key()));
        if (PipelineProfile.ON) {
          dec = new TimedIn(dec, PipelineProfile.Stage.DECRYPT, PipelineProfile.Stage.DECOMPRESS);
          stored.parent = PipelineProfile.Stage.DECRYPT;
        }
      } catch (GeneralSecurityException e) {
        stored.close();
        throw new IOException("cannot start decryption: " + e.getClass().getSimpleName());
      }
    }
    ZstdFrames.Header header = restore && compression.algorithm() == Compression.Algorithm.ZSTD
        ? new ZstdFrames.Header(dec) : null;
    InputStream decomp = switch (compression.algorithm()) {
      // a fresh stream allocates and zeroes its ~128 KiB input buffer: a quarter of a cluster
      // restore's CPU samples, most objects being small files; a pool hands them back and forth
      case ZSTD -> new ZstdInputStream(header != null ? header : dec, RecyclingBufferPool.INSTANCE);
      case GZIP -> new GzipCompressorInputStream(dec);
      case NONE -> dec;
    };
    PlainCheck decoderChecks = !restore ? () -> false : header != null ? header::checksummed : () -> true;
    return new CheckedPlaintext(decomp, stored, storage, backupId, expected, decoderChecks, aead != null);
  }

  /** Whether decoding an object already checks its plaintext, so hashing it again adds nothing. */
  @FunctionalInterface
  private interface PlainCheck {
    boolean byDecoder() throws IOException;
  }

  /**
   * Reads an object's stored bytes without decrypting them and checks size and SHA-256: the check
   * that needs no key.
   *
   * @return {@code null} when intact, else what is wrong
   */
  public static String checkStored(BackupStorage storage, StoredObject expected) throws IOException {
    long size;
    try {
      size = storage.size(expected.key());
    } catch (java.nio.file.NoSuchFileException e) {
      return "missing";
    }
    if (size != expected.storedSize()) {
      return "stored size is " + size + " bytes, the manifest records " + expected.storedSize()
          + (size < expected.storedSize() ? " (truncated)" : "");
    }
    MessageDigest d = sha256();
    try (InputStream in = storage.open(expected.key())) {
      byte[] buf = new byte[IO_CHUNK];
      int n;
      while ((n = in.read(buf)) >= 0) {
        d.update(buf, 0, n);
      }
    }
    String got = hex(d.digest());
    return got.equals(expected.storedSha256()) ? null
        : "stored SHA-256 is " + got + ", the manifest records " + expected.storedSha256();
  }

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  static String hex(byte[] b) {
    return HexFormat.of().formatHex(b);
  }

  private static final class Counting extends FilterOutputStream {
    final OutputStream out;
    final MessageDigest digest = sha256();
    long count;
    /** The stage whose time includes this stream's, for the profile. */
    PipelineProfile.Stage parent = PipelineProfile.Stage.COMPRESS;

    Counting(OutputStream out) {
      super(out);
      this.out = out;
    }

    @Override
    public void write(int b) throws IOException {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      long t0 = PipelineProfile.ON ? System.nanoTime() : 0;
      out.write(b, off, len);
      long t1 = PipelineProfile.ON ? System.nanoTime() : 0;
      digest.update(b, off, len);
      if (PipelineProfile.ON) {
        long t2 = System.nanoTime();
        PipelineProfile.add(PipelineProfile.Stage.STORAGE_WRITE, t1 - t0);
        PipelineProfile.add(PipelineProfile.Stage.STORED_HASH, t2 - t1);
        PipelineProfile.add(parent, -(t2 - t0));
      }
      count += len;
    }
  }

  /**
   * A buffered stream whose 1 MiB buffer comes from a small pool shared by all reads and goes back
   * when the stream closes: a restore or verify reads a cluster's large objects one after another,
   * and a fresh 1 MiB buffer for each was a tenth of what a restore allocated.
   */
  static final class PooledBuffer extends java.io.BufferedInputStream {
    private static final java.util.concurrent.ConcurrentLinkedQueue<byte[]> POOL =
        new java.util.concurrent.ConcurrentLinkedQueue<>();
    private static final int MAX_POOLED = 2 * Runtime.getRuntime().availableProcessors() + 2;

    PooledBuffer(InputStream in, int size) {
      super(in, 1);
      byte[] b = size == IO_CHUNK ? POOL.poll() : null;
      this.buf = b != null ? b : new byte[size];
    }

    @Override
    public void close() throws IOException {
      byte[] b = buf;
      super.close();
      // a few too many when closes race is harmless: the pool only bounds what it keeps
      if (b != null && b.length == IO_CHUNK && POOL.size() < MAX_POOLED) {
        POOL.add(b);
      }
    }
  }

  static final class CountingIn extends FilterInputStream {
    /** The digest of what was read, or {@code null} when only counting. */
    final MessageDigest digest;
    long count;
    /** The stage whose time includes this stream's, for the profile. */
    PipelineProfile.Stage parent = PipelineProfile.Stage.DECOMPRESS;

    CountingIn(InputStream in) {
      this(in, true);
    }

    CountingIn(InputStream in, boolean hash) {
      super(in);
      this.digest = hash ? sha256() : null;
    }

    @Override
    public int read() throws IOException {
      int b = in.read();
      if (b >= 0) {
        if (digest != null) {
          digest.update((byte) b);
        }
        count++;
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      long t0 = PipelineProfile.ON ? System.nanoTime() : 0;
      int n = in.read(b, off, len);
      long t1 = PipelineProfile.ON ? System.nanoTime() : 0;
      if (n > 0) {
        if (digest != null) {
          digest.update(b, off, n);
        }
        count += n;
      }
      if (PipelineProfile.ON) {
        long t2 = System.nanoTime();
        PipelineProfile.add(PipelineProfile.Stage.STORAGE_READ, t1 - t0);
        PipelineProfile.add(PipelineProfile.Stage.STORED_HASH, t2 - t1);
        PipelineProfile.add(parent, -(t2 - t0));
      }
      return n;
    }

    /**
     * No mark: a reader that rewinds (Tink's, when it tries the keys of a keyset) would count the
     * bytes it reads again; without mark it buffers what it needs itself.
     */
    @Override
    public boolean markSupported() {
      return false;
    }

    @Override
    public long skip(long n) throws IOException {
      byte[] buf = new byte[8192];
      long done = 0;
      while (done < n) {
        int r = read(buf, 0, (int) Math.min(buf.length, n - done));
        if (r < 0) {
          break;
        }
        done += r;
      }
      return done;
    }

    /** Reads the rest, so the digest covers the whole object; {@code null} when only counting. */
    String drainAndDigest() throws IOException {
      byte[] buf = new byte[8192];
      while (read(buf, 0, buf.length) >= 0) {
        // digest updated by read
      }
      return digest == null ? null : hex(digest.digest());
    }
  }

  /** Checks the plaintext against the record when it ends; maps decryption failures to clear errors. */
  private static final class CheckedPlaintext extends InputStream {
    private final InputStream in;
    private final CountingIn stored;
    private final BackupStorage storage;
    private final String backupId;
    private final StoredObject expected;
    private final PlainCheck decoderChecks;
    private final boolean encrypted;
    /** The plaintext's digest; {@code null} when decoding checks the plaintext itself. */
    private MessageDigest digest;
    private boolean started;
    private long count;
    private boolean checked;

    CheckedPlaintext(InputStream in, CountingIn stored, BackupStorage storage, String backupId, StoredObject expected,
        PlainCheck decoderChecks, boolean encrypted) {
      this.in = in;
      this.stored = stored;
      this.storage = storage;
      this.backupId = backupId;
      this.expected = expected;
      this.decoderChecks = decoderChecks;
      this.encrypted = encrypted;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      int n = read(one, 0, 1);
      return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n;
      long t0 = PipelineProfile.ON ? System.nanoTime() : 0;
      try {
        if (!started) {
          started = true;
          digest = decoderChecks.byDecoder() ? null : sha256();
        }
        n = in.read(b, off, len);
      } catch (IOException e) {
        throw failure(e);
      }
      long t1 = PipelineProfile.ON ? System.nanoTime() : 0;
      if (n < 0) {
        finish();
        return -1;
      }
      if (digest != null) {
        digest.update(b, off, n);
      }
      if (PipelineProfile.ON) {
        PipelineProfile.add(PipelineProfile.Stage.DECOMPRESS, t1 - t0);
        PipelineProfile.add(PipelineProfile.Stage.PLAIN_HASH, System.nanoTime() - t1);
      }
      count += n;
      if (count > expected.size()) {
        throw corrupted("holds more plaintext than the " + expected.size() + " bytes recorded", null);
      }
      return n;
    }

    private void finish() throws IOException {
      if (checked) {
        return;
      }
      checked = true;
      String storedSha = stored.drainAndDigest();
      if ((storedSha != null && !storedSha.equals(expected.storedSha256())) || stored.count != expected.storedSize()) {
        throw corrupted("stored bytes do not match the manifest (" + stored.count + " bytes"
            + (storedSha == null ? "" : ", SHA-256 " + storedSha) + ")", null);
      }
      String sha = digest == null ? null : hex(digest.digest());
      if (count != expected.size() || (sha != null && !sha.equals(expected.sha256()))) {
        throw corrupted("plaintext does not match the manifest (" + count + " bytes"
            + (sha == null ? "" : ", SHA-256 " + sha) + ")", null);
      }
    }

    private BackupException failure(IOException e) {
      if (!encrypted || e instanceof ZstdIOException) {
        // nothing to decrypt, or decrypted (authenticated) bytes that do not decode: damage, not a key
        // zstd's messages name the fault ("Restored data doesn't match checksum"); others may not be ours to show
        return corrupted("cannot be decoded (" + e.getClass().getSimpleName()
            + (e instanceof ZstdIOException ? ": " + e.getMessage() : "") + "): it was altered or truncated", null);
      }
      // intact stored bytes that fail to decrypt mean the key is wrong, not the data
      try {
        String storedSha = stored.drainAndDigest();
        // without a running digest, the object is read again: this is the failure path only
        if (storedSha == null ? checkStored(storage, expected) == null : storedSha.equals(expected.storedSha256())) {
          return new BackupException(ErrorCode.KEY_UNAVAILABLE,
              "Object " + expected.key() + " of backup " + backupId + " is intact but no key of the keyset decrypts it."
                  + " Open the repository with the keyset this backup was written with (its manifest names the key id).",
              backupId, expected.key(), null);
        }
      } catch (IOException ignored) {
        // fall through: report the object as unreadable
      }
      return corrupted("cannot be decrypted or decompressed (" + e.getClass().getSimpleName() + "): it was altered or truncated", null);
    }

    private BackupException corrupted(String what, Throwable cause) {
      return new BackupException(ErrorCode.CORRUPTED,
          "Object " + expected.key() + " of backup " + backupId + " " + what
              + ". Restore from another backup; run verify to list every damaged object.",
          backupId, expected.key(), cause);
    }

    @Override
    public void close() throws IOException {
      try {
        in.close();
      } finally {
        stored.close();
      }
    }
  }

  /** Adds the time spent in a layer to its stage and takes it from the enclosing stage's. */
  private static final class TimedOut extends FilterOutputStream {
    private final PipelineProfile.Stage stage;
    private final PipelineProfile.Stage parent;

    TimedOut(OutputStream out, PipelineProfile.Stage stage, PipelineProfile.Stage parent) {
      super(out);
      this.stage = stage;
      this.parent = parent;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      long t0 = System.nanoTime();
      out.write(b, off, len);
      long t = System.nanoTime() - t0;
      PipelineProfile.add(stage, t);
      PipelineProfile.add(parent, -t);
    }

    @Override
    public void close() throws IOException {
      long t0 = System.nanoTime();
      out.close();
      long t = System.nanoTime() - t0;
      PipelineProfile.add(stage, t);
      PipelineProfile.add(parent, -t);
    }
  }

  /** Adds the time spent in a layer to its stage and takes it from the enclosing stage's. */
  private static final class TimedIn extends FilterInputStream {
    private final PipelineProfile.Stage stage;
    private final PipelineProfile.Stage parent;

    TimedIn(InputStream in, PipelineProfile.Stage stage, PipelineProfile.Stage parent) {
      super(in);
      this.stage = stage;
      this.parent = parent;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      long t0 = System.nanoTime();
      int n = in.read(b, off, len);
      long t = System.nanoTime() - t0;
      PipelineProfile.add(stage, t);
      PipelineProfile.add(parent, -t);
      return n;
    }
  }
}
