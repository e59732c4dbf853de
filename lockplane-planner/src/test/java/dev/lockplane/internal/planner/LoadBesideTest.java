package dev.lockplane.internal.planner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lockplane.ErrorCode;
import dev.lockplane.LockplaneException;
import dev.lockplane.schema.DatabaseSchema;
import dev.lockplane.schema.Dialect;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** The desired state loads beside the introspection; its end is awaited however either ends. */
class LoadBesideTest {
  private static DatabaseSchema schema(String name) {
    return new DatabaseSchema(Dialect.POSTGRESQL, List.of(name), List.of(), List.of(), List.of(), List.of(), List.of(),
        List.of(), List.of(), List.of(), List.of());
  }

  @Test
  void bothRunAtOnceAndBothResultsComeBack() throws Exception {
    // each side waits for the other to have started: run one after the other, they would never end
    CountDownLatch introspecting = new CountDownLatch(1);
    CountDownLatch loading = new CountDownLatch(1);
    LoadBeside.Schemas both = LoadBeside.run(() -> {
      introspecting.countDown();
      await(loading);
      return schema("live");
    }, () -> {
      loading.countDown();
      await(introspecting);
      assertThat(Thread.currentThread().getName()).isEqualTo("lockplane-desired-load");
      return schema("desired");
    });
    assertThat(both.live().schemas()).containsExactly("live");
    assertThat(both.desired().schemas()).containsExactly("desired");
  }

  @Test
  void aFailedLoadIsReportedAsItWasThrown() {
    LockplaneException bad = new LockplaneException(ErrorCode.SCRIPT_FAILED, "desired.sql line 3: syntax error");
    assertThatThrownBy(() -> LoadBeside.run(() -> schema("live"), () -> {
      throw bad;
    })).isSameAs(bad);
  }

  @Test
  void aFailedIntrospectionIsReportedOnceTheLoadHasEnded() {
    AtomicBoolean loadEnded = new AtomicBoolean();
    LockplaneException unreachable = new LockplaneException(ErrorCode.DATABASE_ERROR, "the target went away");
    assertThatThrownBy(() -> LoadBeside.run(() -> {
      throw unreachable;
    }, () -> {
      sleep(300);
      loadEnded.set(true);
      throw new LockplaneException(ErrorCode.SCRIPT_FAILED, "and the desired SQL is wrong too");
    })).isSameAs(unreachable).satisfies(e -> assertThat(e.getSuppressed()).hasSize(1));
    assertThat(loadEnded).isTrue();
  }

  private static void await(CountDownLatch latch) {
    try {
      assertThat(latch.await(30, TimeUnit.SECONDS)).isTrue();
    } catch (InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }
}
