package dev.lockplane.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.luben.zstd.ZstdOutputStream;
import com.google.crypto.tink.StreamingAead;
import dev.lockplane.ErrorCode;
import dev.lockplane.internal.backup.ObjectCodec;
import dev.lockplane.internal.backup.StoredObject;
import java.io.ByteArrayInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The stored object format: objects of several compression frames round-trip with and without
 * encryption, and objects written by earlier versions (one streaming zstd frame written straight
 * into the AEAD stream) still read, so older backups restore.
 */
class ObjectFormatTest {
  @TempDir Path tmp;

  private static byte[] data(int size) {
    // half text-like and compressible, half random: both paths of the compressor
    byte[] b = new byte[size];
    Random r = new Random(42);
    for (int i = 0; i < size; i++) {
      b[i] = (i / 65536) % 2 == 0 ? (byte) ('a' + (i * 7 + i / 300) % 26) : (byte) r.nextInt();
    }
    return b;
  }

  private static byte[] readAll(ObjectCodec codec, BackupStorage storage, String id, StoredObject o) throws IOException {
    try (InputStream in = codec.read(storage, id, o)) {
      return in.readAllBytes();
    }
  }

  @Test
  void objectsOfManyFramesRoundTripWithAndWithoutEncryption() throws IOException {
    BackupStorage storage = BackupStorage.localDirectory(tmp.resolve("repo"));
    byte[] plain = data(9 * 1024 * 1024 + 12345);
    for (StreamingAead aead : new StreamingAead[] {Keyset.generate().streamingAead(), null}) {
      ObjectCodec codec = new ObjectCodec(Compression.zstd(), aead);
      String key = "backups/b1/data/" + (aead == null ? "plain" : "enc");
      StoredObject o = codec.write(storage, "b1", key, new ByteArrayInputStream(plain), Long.MAX_VALUE, n -> { });
      assertThat(o.size()).isEqualTo(plain.length);
      assertThat(o.sha256()).isEqualTo(sha(plain));
      assertThat(o.storedSize()).isEqualTo(storage.size(key)).isLessThan(plain.length);
      assertThat(readAll(codec, storage, "b1", o)).isEqualTo(plain);
      assertThat(ObjectCodec.checkStored(storage, o)).isNull();
    }
  }

  @Test
  void emptyAndLimitedObjectsRoundTrip() throws IOException {
    BackupStorage storage = BackupStorage.localDirectory(tmp.resolve("repo"));
    ObjectCodec codec = new ObjectCodec(Compression.zstd(1), Keyset.generate().streamingAead());
    StoredObject empty = codec.write(storage, "b1", "backups/b1/data/0", new ByteArrayInputStream(new byte[0]), 0, n -> { });
    assertThat(readAll(codec, storage, "b1", empty)).isEmpty();
    byte[] plain = data(5 * 1024 * 1024);
    StoredObject head = codec.write(storage, "b1", "backups/b1/data/1", new ByteArrayInputStream(plain), 4 * 1024 * 1024 + 1,
        n -> { });
    assertThat(readAll(codec, storage, "b1", head)).isEqualTo(java.util.Arrays.copyOf(plain, 4 * 1024 * 1024 + 1));
  }

  @Test
  void objectsWrittenByEarlierVersionsStillRead() throws Exception {
    BackupStorage storage = BackupStorage.localDirectory(tmp.resolve("repo"));
    Keyset keys = Keyset.generate();
    byte[] plain = data(6 * 1024 * 1024);
    String key = "backups/old/data/0000001";
    // the earlier layout: one streaming zstd frame, written straight into the AEAD stream, 256 KiB at a time
    MessageDigest storedSha = MessageDigest.getInstance("SHA-256");
    long[] storedSize = {0};
    try (OutputStream file = storage.create(key);
        OutputStream counted = new FilterOutputStream(file) {
          @Override
          public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            storedSha.update(b, off, len);
            storedSize[0] += len;
          }
        };
        OutputStream enc = keys.streamingAead().newEncryptingStream(counted, ObjectCodec.associatedData("old", key));
        OutputStream z = new ZstdOutputStream(enc, 3)) {
      for (int off = 0; off < plain.length; off += 256 * 1024) {
        z.write(plain, off, Math.min(256 * 1024, plain.length - off));
      }
    }
    StoredObject o = new StoredObject(key, plain.length, storedSize[0], sha(plain),
        HexFormat.of().formatHex(storedSha.digest()));
    ObjectCodec codec = new ObjectCodec(Compression.zstd(), keys.streamingAead());
    assertThat(readAll(codec, storage, "old", o)).isEqualTo(plain);

    // and the checks still apply to such an object: another backup id is another associated data
    assertThatThrownBy(() -> readAll(codec, storage, "other", o))
        .isInstanceOfSatisfying(BackupException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.KEY_UNAVAILABLE));
  }

  @Test
  void aRestoreLeavesThePlaintextCheckToTheFrameChecksumsTheyCarry() throws IOException {
    BackupStorage storage = BackupStorage.localDirectory(tmp.resolve("repo"));
    byte[] plain = data(9 * 1024 * 1024 + 77);
    ObjectCodec codec = new ObjectCodec(Compression.zstd(), null);
    String key = "backups/b1/data/0000001";
    StoredObject o = codec.write(storage, "b1", key, new ByteArrayInputStream(plain), Long.MAX_VALUE, n -> { });
    byte[] stored = Files.readAllBytes(tmp.resolve("repo").resolve(key));
    // every frame written now ends with a content checksum: the header's descriptor says so (bit 2)
    assertThat(stored[4] & 0x04).as("content checksum flag of the first frame").isEqualTo(0x04);
    try (InputStream in = codec.readForRestore(storage, "b1", o)) {
      assertThat(in.readAllBytes()).isEqualTo(plain);
    }

    // the last frame's checksum altered, and the record made to match the altered bytes: the stored
    // check passes, so only the frame checksum, checked while decoding, can find it
    stored[stored.length - 1] ^= 0x01;
    Files.write(tmp.resolve("repo").resolve(key), stored);
    StoredObject altered = new StoredObject(key, o.size(), o.storedSize(), o.sha256(), sha(stored));
    assertThat(ObjectCodec.checkStored(storage, altered)).isNull();
    for (boolean restore : new boolean[] {true, false}) {
      assertThatThrownBy(() -> {
        try (InputStream in = restore ? codec.readForRestore(storage, "b1", altered) : codec.read(storage, "b1", altered)) {
          in.readAllBytes();
        }
      }).isInstanceOfSatisfying(BackupException.class, e -> {
        assertThat(e.code()).isEqualTo(ErrorCode.CORRUPTED);
        assertThat(e.getMessage()).contains(key).contains("checksum");
      });
    }
  }

  @Test
  void aRestoreStillHashesThePlaintextOfObjectsWrittenWithoutFrameChecksums() throws Exception {
    BackupStorage storage = BackupStorage.localDirectory(tmp.resolve("repo"));
    Keyset keys = Keyset.generate();
    byte[] plain = data(3 * 1024 * 1024);
    String key = "backups/old/data/0000002";
    // an earlier version's frame (no content checksum) holding other bytes than the record says: the
    // AEAD authenticates them, so only the plaintext's SHA-256 can tell (a record that does not match)
    byte[] other = plain.clone();
    other[12345] ^= 0x01;
    try (OutputStream file = storage.create(key);
        OutputStream enc = keys.streamingAead().newEncryptingStream(file, ObjectCodec.associatedData("old", key));
        OutputStream z = new ZstdOutputStream(enc, 3)) {
      z.write(other);
    }
    StoredObject o = new StoredObject(key, plain.length, storage.size(key), sha(plain),
        sha(Files.readAllBytes(tmp.resolve("repo").resolve(key))));
    ObjectCodec codec = new ObjectCodec(Compression.zstd(), keys.streamingAead());
    assertThatThrownBy(() -> {
      try (InputStream in = codec.readForRestore(storage, "old", o)) {
        in.readAllBytes();
      }
    }).isInstanceOfSatisfying(BackupException.class, e -> {
      assertThat(e.code()).isEqualTo(ErrorCode.CORRUPTED);
      assertThat(e.getMessage()).contains(key).contains("plaintext does not match");
    });
  }

  private static String sha(byte[] b) throws IOException {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IOException(e);
    }
  }
}
