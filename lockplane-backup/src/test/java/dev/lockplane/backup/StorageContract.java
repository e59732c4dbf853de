package dev.lockplane.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The write-once contract every {@link BackupStorage} keeps, run against each implementation:
 * create once, read back exactly, size, sorted prefix listing, idempotent delete, abandoned writes
 * that leave nothing behind, and keys that cannot leave the repository.
 */
abstract class StorageContract {
  /** A new, empty storage for one test. */
  abstract BackupStorage storage();

  /** A size that forces the implementation's large-object path (multipart upload on S3). */
  abstract int largeObjectSize();

  static byte[] bytes(int size, long seed) {
    byte[] b = new byte[size];
    new Random(seed).nextBytes(b);
    return b;
  }

  static void write(BackupStorage s, String key, byte[] content) throws IOException {
    try (OutputStream out = s.create(key)) {
      // odd-sized writes, so buffering across part boundaries is exercised
      int off = 0;
      while (off < content.length) {
        int n = Math.min(content.length - off, 1_000_003);
        out.write(content, off, n);
        off += n;
      }
    }
  }

  static byte[] read(BackupStorage s, String key) throws IOException {
    try (InputStream in = s.open(key)) {
      return in.readAllBytes();
    }
  }

  @Test
  void smallEmptyAndLargeObjectsReadBackExactly() throws IOException {
    BackupStorage s = storage();
    byte[] small = "manifest".getBytes(StandardCharsets.UTF_8);
    byte[] large = bytes(largeObjectSize(), 7);
    write(s, "backups/a/manifest.json", small);
    write(s, "backups/a/empty", new byte[0]);
    write(s, "backups/a/data/000001", large);
    assertThat(read(s, "backups/a/manifest.json")).isEqualTo(small);
    assertThat(read(s, "backups/a/empty")).isEmpty();
    assertThat(read(s, "backups/a/data/000001")).isEqualTo(large);
    assertThat(s.size("backups/a/data/000001")).isEqualTo(large.length);
    assertThat(s.size("backups/a/empty")).isZero();
  }

  @Test
  void anObjectIsWrittenOnce() throws IOException {
    BackupStorage s = storage();
    write(s, "backups/b/manifest.json", "first".getBytes(StandardCharsets.UTF_8));
    assertThatThrownBy(() -> write(s, "backups/b/manifest.json", "second".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(IOException.class);
    assertThat(new String(read(s, "backups/b/manifest.json"), StandardCharsets.UTF_8)).isEqualTo("first");
  }

  @Test
  void missingObjectsAreNoSuchFile() {
    BackupStorage s = storage();
    assertThatThrownBy(() -> s.open("backups/none/manifest.json")).isInstanceOf(NoSuchFileException.class);
    assertThatThrownBy(() -> s.size("backups/none/manifest.json")).isInstanceOf(NoSuchFileException.class);
  }

  @Test
  void listingIsByPrefixAndSorted() throws IOException {
    BackupStorage s = storage();
    for (String k : new String[] {"backups/b2/x", "backups/a1/data/2", "backups/a1/data/10", "backups/a10/m", "other/z"}) {
      write(s, k, k.getBytes(StandardCharsets.UTF_8));
    }
    assertThat(s.list("backups/")).containsExactly("backups/a1/data/10", "backups/a1/data/2", "backups/a10/m", "backups/b2/x");
    assertThat(s.list("backups/a1")).containsExactly("backups/a1/data/10", "backups/a1/data/2", "backups/a10/m");
    assertThat(s.list("backups/a1/")).containsExactly("backups/a1/data/10", "backups/a1/data/2");
    assertThat(s.list("nothing/")).isEmpty();
    assertThat(s.list("")).hasSize(5);
  }

  @Test
  void sizesAreListedByPrefixAsSizeGivesThem() throws IOException {
    BackupStorage s = storage();
    byte[] large = bytes(largeObjectSize(), 13);
    write(s, "backups/e1/data/0000001", large);
    write(s, "backups/e1/data/0000002", new byte[0]);
    write(s, "backups/e1/manifest.json", "m".getBytes(StandardCharsets.UTF_8));
    write(s, "backups/e10/data/0000001", "other".getBytes(StandardCharsets.UTF_8));
    java.util.Map<String, Long> sizes = s.sizes("backups/e1/data/");
    assertThat(sizes).containsOnlyKeys("backups/e1/data/0000001", "backups/e1/data/0000002");
    assertThat(sizes.get("backups/e1/data/0000001")).isEqualTo(large.length).isEqualTo(s.size("backups/e1/data/0000001"));
    assertThat(sizes.get("backups/e1/data/0000002")).isZero();
    assertThat(s.sizes("backups/e1")).hasSize(4);
    assertThat(s.sizes("backups/none/")).isEmpty();
  }

  @Test
  void deleteIsIdempotentAndFreesTheKey() throws IOException {
    BackupStorage s = storage();
    write(s, "backups/c/lease/1", "x".getBytes(StandardCharsets.UTF_8));
    s.delete("backups/c/lease/1");
    s.delete("backups/c/lease/1");
    s.delete("backups/never/written");
    assertThat(s.list("backups/c/")).isEmpty();
    write(s, "backups/c/lease/1", "y".getBytes(StandardCharsets.UTF_8));
    assertThat(read(s, "backups/c/lease/1")).isEqualTo("y".getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void anAbandonedWriteLeavesNothingVisible() throws IOException {
    BackupStorage s = storage();
    byte[] partial = bytes(largeObjectSize(), 11);
    OutputStream out = s.create("backups/d/data/000001");
    out.write(partial);
    // the writer failed here: the contract says delete, then close
    s.delete("backups/d/data/000001");
    out.close();
    assertThat(s.list("backups/d/")).isEmpty();
    assertThatThrownBy(() -> s.open("backups/d/data/000001")).isInstanceOf(NoSuchFileException.class);
    write(s, "backups/d/data/000001", "retry".getBytes(StandardCharsets.UTF_8));
    assertThat(read(s, "backups/d/data/000001")).isEqualTo("retry".getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void keysCannotLeaveTheRepository() {
    BackupStorage s = storage();
    for (String bad : new String[] {"../escape", "/absolute", "a//b", "a/./b", "a\\b", ""}) {
      assertThatThrownBy(() -> s.create(bad)).as(bad).isInstanceOf(IOException.class);
      assertThatThrownBy(() -> s.open(bad)).as(bad).isInstanceOf(IOException.class);
    }
  }

  @Test
  void describeNamesTheStorage() {
    assertThat(storage().describe()).isNotBlank();
  }
}
