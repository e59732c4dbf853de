package dev.lockplane.instances;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lockplane.ErrorCode;
import dev.lockplane.LockplaneException;
import dev.lockplane.clone.Golden;
import dev.lockplane.storage.CowStorages;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code goldenFromStore()}: a manager that uses the store's golden as it is, and the settings it excludes. */
class GoldenFromStoreTest {
  @TempDir Path dir;

  private static void code(Runnable r, ErrorCode code, String message) {
    assertThatThrownBy(r::run).isInstanceOfSatisfying(LockplaneException.class, e -> assertThat(e.code()).isEqualTo(code))
        .hasMessageContaining(message);
  }

  @Test
  void conflictsWithAGoldenEitherWayRound() {
    code(() -> InstanceClones.on(CowStorages.copy(dir.resolve("a"))).goldenFromStore().golden(Golden.empty()),
        ErrorCode.INVALID_CONFIGURATION, "golden conflicts with goldenFromStore()");
    code(() -> InstanceClones.on(CowStorages.copy(dir.resolve("b"))).golden(Golden.empty()).goldenFromStore(),
        ErrorCode.INVALID_CONFIGURATION, "goldenFromStore conflicts with golden(empty database)");
    code(() -> InstanceClones.on(CowStorages.copy(dir.resolve("c"))).goldenFromStore().goldenFromStore(),
        ErrorCode.INVALID_CONFIGURATION, "goldenFromStore was already set");
  }

  @Test
  void aStoreWithoutAGoldenIsNotFoundAndStaysUsable() {
    var storage = CowStorages.copy(dir.resolve("empty"));
    code(() -> InstanceClones.on(storage).goldenFromStore().start(), ErrorCode.NOT_FOUND, "has no golden");
    // the failed start released the store: the next manager opens it
    code(() -> InstanceClones.on(storage).goldenFromStore().start(), ErrorCode.NOT_FOUND, "has no golden");
  }
}
