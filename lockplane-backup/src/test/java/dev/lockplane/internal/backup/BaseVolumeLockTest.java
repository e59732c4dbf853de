package dev.lockplane.internal.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lockplane.ErrorCode;
import dev.lockplane.backup.BackupException;
import dev.lockplane.storage.CowStorage;
import dev.lockplane.storage.CowStorages;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The lock around a restored base volume, between threads of one JVM and between processes: the
 * second waits for the first, a bounded wait fails with a clear error, and a killed holder releases
 * it. (That recoveries use it, restoring a base once for two concurrent targets, is S3RecoveryTest's.)
 */
class BaseVolumeLockTest {
  @TempDir Path store;

  private Process child(CowStorage storage, String base) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), BaseVolumeLockChild.class.getName(),
        store.toString(), base).redirectErrorStream(true).start();
    BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    CompletableFuture<String> line = CompletableFuture.supplyAsync(() -> {
      try {
        return out.readLine();
      } catch (java.io.IOException e) {
        return e.toString();
      }
    });
    try {
      assertThat(line.get(60, TimeUnit.SECONDS)).isEqualTo("LOCKED");
    } catch (Exception | AssertionError e) {
      p.destroyForcibly().waitFor();
      throw e;
    }
    return p;
  }

  @Test
  void threadsOfOneJvmWaitForEachOther() throws Exception {
    CowStorage storage = CowStorages.copy(store);
    CompletableFuture<Void> second;
    try (BaseVolumeLock first = BaseVolumeLock.acquire(storage, "pitr-base-a", "a", Duration.ofSeconds(5))) {
      assertThatThrownBy(() -> CompletableFuture.runAsync(() -> BaseVolumeLock.acquire(storage, "pitr-base-a", "a",
          Duration.ofMillis(200)).close()).join())
          .hasCauseInstanceOf(BackupException.class).cause()
          .hasMessageContaining("Volume pitr-base-a on " + storage.describe())
          .hasMessageContaining("in use by another recovery in this process for more than 200 ms")
          .satisfies(e -> assertThat(((BackupException) e).code()).isEqualTo(ErrorCode.IN_USE));
      // another base volume is not held up
      BaseVolumeLock.acquire(storage, "pitr-base-b", "b", Duration.ofMillis(200)).close();
      second = CompletableFuture.runAsync(() -> BaseVolumeLock.acquire(storage, "pitr-base-a", "a", Duration.ofSeconds(30)).close());
      Thread.sleep(300);
      assertThat(second).isNotDone();
    }
    second.get(30, TimeUnit.SECONDS);
  }

  @Test
  void anotherProcessIsWaitedForAndAKilledOneReleasesTheLock() throws Exception {
    CowStorage storage = CowStorages.copy(store);
    Process holder = child(storage, "pitr-base-c");
    try {
      assertThatThrownBy(() -> BaseVolumeLock.acquire(storage, "pitr-base-c", "c", Duration.ofMillis(300)))
          .isInstanceOf(BackupException.class).hasMessageContaining("in use by another process")
          .hasMessageContaining("give a longer lock timeout");
      CompletableFuture<Void> waiting = CompletableFuture.runAsync(() -> BaseVolumeLock.acquire(storage, "pitr-base-c", "c",
          Duration.ofSeconds(60)).close());
      Thread.sleep(500);
      assertThat(waiting).isNotDone();
      holder.getOutputStream().close();
      waiting.get(60, TimeUnit.SECONDS);
      assertThat(holder.waitFor(30, TimeUnit.SECONDS)).isTrue();
    } finally {
      holder.destroyForcibly().waitFor();
    }
    Process killed = child(storage, "pitr-base-c");
    killed.destroyForcibly().waitFor();
    long start = System.nanoTime();
    BaseVolumeLock.acquire(storage, "pitr-base-c", "c", Duration.ofSeconds(30)).close();
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
  }
}
