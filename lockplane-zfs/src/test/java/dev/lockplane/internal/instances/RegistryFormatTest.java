package dev.lockplane.internal.instances;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The registry keeps each snapshot's data time, and reads registries written before it had one. */
class RegistryFormatTest {
  @TempDir Path dir;

  @Test
  void aSnapshotWithoutADataTimeIsFromWhenItWasTaken() throws Exception {
    Files.writeString(dir.resolve("registry.json"), """
        {
          "clones" : [ ],
          "format" : 1,
          "retiredVolumes" : [ ],
          "snapshots" : [ {
            "createdAt" : "2026-01-02T03:04:05Z",
            "description" : "scripts [schema.sql]",
            "golden" : true,
            "goldenHash" : "abc",
            "name" : "golden",
            "storageSnapshot" : "base",
            "volume" : "golden-0123456789ab"
          } ],
          "store" : "copy:/tmp/store"
        }
        """);
    Registry registry = new Registry(dir);
    Registry.SnapshotRecord old = registry.read("copy:/tmp/store").snapshots().get(0);
    assertThat(old.dataStateAt()).isNull();
    assertThat(old.dataState()).isEqualTo(Instant.parse("2026-01-02T03:04:05Z"));

    Registry.SnapshotRecord fresh = new Registry.SnapshotRecord("golden", "golden-0123456789ab", "base",
        "2026-01-02T03:04:05Z", "physical backup", true, "abc", "2025-12-31T23:00:00Z");
    registry.write(new Registry.Data(Registry.FORMAT, "copy:/tmp/store", List.of(fresh), List.of(), List.of()));
    assertThat(Files.readString(dir.resolve("registry.json"))).contains("\"dataStateAt\" : \"2025-12-31T23:00:00Z\"");
    assertThat(registry.read("copy:/tmp/store").snapshots().get(0).dataState()).isEqualTo(Instant.parse("2025-12-31T23:00:00Z"));
  }
}
