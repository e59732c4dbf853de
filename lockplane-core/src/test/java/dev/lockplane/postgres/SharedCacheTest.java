package dev.lockplane.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A fresh cache used by two starts at the same moment: both unpack and initialize, one tree wins
 * atomically, neither sees half of it; a later start reuses both the binaries and the cluster.
 */
class SharedCacheTest {
  @Test
  void concurrentFirstStartsShareOneCacheAndLaterStartsReuseIt(@TempDir Path tmp) throws Exception {
    Files.setPosixFilePermissions(tmp, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
    Path cache = tmp.resolve("cache");
    String old = System.getProperty("lockplane.cache");
    System.setProperty("lockplane.cache", cache.toString());
    try {
      CompletableFuture<LocalPostgres> a = CompletableFuture.supplyAsync(() -> LocalPostgres.builder().start());
      CompletableFuture<LocalPostgres> b = CompletableFuture.supplyAsync(() -> LocalPostgres.builder().start());
      try (LocalPostgres pa = a.join(); LocalPostgres pb = b.join()) {
        assertThat(pa.installation().binDirectory()).isEqualTo(pb.installation().binDirectory());
        assertThat(pa.installation().binDirectory()).startsWith(cache);
      }
      assertThat(children(cache.resolve("binaries"))).hasSize(1);
      assertThat(children(cache.resolve("clusters"))).hasSize(1);
      Path cluster = children(cache.resolve("clusters")).get(0);
      FileTime stamp = Files.getLastModifiedTime(cluster.resolve("PG_VERSION"));
      try (LocalPostgres again = LocalPostgres.builder().start()) {
        assertThat(again.isRunning()).isTrue();
      }
      // no second initdb: the cached cluster was copied, not remade
      assertThat(children(cache.resolve("clusters"))).containsExactly(cluster);
      assertThat(Files.getLastModifiedTime(cluster.resolve("PG_VERSION"))).isEqualTo(stamp);
    } finally {
      if (old == null) {
        System.clearProperty("lockplane.cache");
      } else {
        System.setProperty("lockplane.cache", old);
      }
    }
  }

  private static List<Path> children(Path dir) throws Exception {
    try (Stream<Path> s = Files.list(dir)) {
      return s.sorted().toList();
    }
  }
}
