package dev.lockplane.internal.backup;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code restore_command} that serves staged WAL, run by {@code /bin/sh} as PostgreSQL runs it:
 * it waits for a planned segment still being staged, so replay can start before the whole range is
 * staged, and answers at once for anything else.
 */
class WalStagerTest {
  private static final String SEGMENT = "000000010000000000000003";
  private static final String LATER = "000000010000000000000004";

  @TempDir Path tmp;

  private Process restore(Path dir, String name, Path into) throws Exception {
    String cmd = WalStager.restoreCommand(dir).replace("%f", name).replace("%p", into.toString());
    return new ProcessBuilder("/bin/sh", "-c", cmd).redirectErrorStream(true).start();
  }

  @Test
  void aPlannedSegmentIsWaitedForUntilStagedAndAnythingElseAnsweredAtOnce() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("data.wal-1"));
    Files.writeString(dir.resolve(WalStager.PLANNED), SEGMENT + "\n" + LATER + "\n", StandardCharsets.UTF_8);

    Process waiting = restore(dir, SEGMENT, tmp.resolve("RECOVERYXLOG"));
    assertThat(waiting.waitFor(700, TimeUnit.MILLISECONDS)).as("waits for a planned segment not yet staged").isFalse();
    Files.writeString(dir.resolve(SEGMENT), "segment three", StandardCharsets.UTF_8);
    assertThat(waiting.waitFor(10, TimeUnit.SECONDS)).isTrue();
    assertThat(waiting.exitValue()).isZero();
    assertThat(Files.readString(tmp.resolve("RECOVERYXLOG"))).isEqualTo("segment three");

    Process history = restore(dir, "00000002.history", tmp.resolve("RECOVERYHISTORY"));
    assertThat(history.waitFor(10, TimeUnit.SECONDS)).as("a name that is not planned is not waited for").isTrue();
    assertThat(history.exitValue()).isNotZero();
    assertThat(tmp.resolve("RECOVERYHISTORY")).doesNotExist();

    Process later = restore(dir, LATER, tmp.resolve("RECOVERYXLOG2"));
    assertThat(later.waitFor(700, TimeUnit.MILLISECONDS)).isFalse();
    // staging ended before this segment (damaged, or cancelled): the server hears "not found"
    Files.writeString(dir.resolve(WalStager.STAGED), "", StandardCharsets.UTF_8);
    assertThat(later.waitFor(10, TimeUnit.SECONDS)).isTrue();
    assertThat(later.exitValue()).isNotZero();
    assertThat(tmp.resolve("RECOVERYXLOG2")).doesNotExist();
  }
}
