package dev.lockplane.internal.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The runtime directories of copy-on-write storages do not pile up: one whose storage is gone is
 * removed unless a process holds one of its locks or a live JVM runs a server from it, and one of a
 * storage that exists, or of unknown storage, is kept.
 */
class StorageRuntimesTest {
  @TempDir Path tmp;

  /** Holds an OS lock on a file until its standard input closes: another process using a storage. */
  public static final class Holder {
    /**
     * Locks the file named, says so, and waits.
     *
     * @param args the file
     * @throws Exception on failure
     */
    public static void main(String[] args) throws Exception {
      try (FileChannel ch = FileChannel.open(Path.of(args[0]), StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
        ch.lock();
        System.out.println("locked");
        System.out.flush();
        System.in.read();
      }
    }
  }

  private Path storageDir(Path runtime, String name, Path state) throws Exception {
    Path dir = Files.createDirectories(runtime.resolve("cow-" + name));
    Files.writeString(dir.resolve(StorageRuntimes.STORE), "copy:" + state.getParent() + "\n");
    Files.writeString(dir.resolve(StorageRuntimes.STATE), state + "\n");
    Files.createFile(dir.resolve("manager.lock"));
    Files.createFile(dir.resolve("pitr-base-b1.lock"));
    // a clone server's leftovers: a failed start's log
    Files.writeString(Files.createDirectories(dir.resolve("instances/pg18-0001")).resolve("server.log"), "log\n");
    return dir;
  }

  @Test
  void aDirectoryIsRemovedOnceItsStorageIsGoneAndNothingUsesIt() throws Exception {
    Path runtime = Files.createDirectories(tmp.resolve("runtime"));
    Path existing = Files.createDirectories(tmp.resolve("store-a/.lockplane"));
    Path kept = storageDir(runtime, "kept", existing);
    Path gone = storageDir(runtime, "gone", tmp.resolve("store-b/.lockplane"));
    Path held = storageDir(runtime, "held", tmp.resolve("store-c/.lockplane"));
    Path owned = storageDir(runtime, "owned", tmp.resolve("store-d/.lockplane"));
    Reaper.write(Files.createDirectories(owned.resolve("instances/pg18-0002")), new InstanceRecord(
        ProcessHandle.current().pid(), Reaper.currentOwnerStart(), ProcessHandle.current().pid(), 1, "/nowhere", false));
    Path unknown = Files.createDirectories(runtime.resolve("cow-unknown"));
    Files.createFile(unknown.resolve("pitr-base-b2.lock"));

    Process holder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
        System.getProperty("java.class.path"), Holder.class.getName(), held.resolve("pitr-base-b1.lock").toString())
        .redirectErrorStream(true).start();
    try {
      BufferedReader out = new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8));
      assertThat(out.readLine()).isEqualTo("locked");

      assertThat(StorageRuntimes.sweep(runtime)).isEqualTo(1);
      assertThat(gone).doesNotExist();
      assertThat(kept).exists();
      assertThat(held).as("a lock another process holds").exists();
      assertThat(owned).as("a server a live JVM owns").exists();
      assertThat(unknown).as("no record of its storage").exists();
    } finally {
      holder.getOutputStream().close();
      holder.waitFor();
    }
    // once the other process let go, its directory goes too; the rest stays as it was
    assertThat(StorageRuntimes.sweep(runtime)).isEqualTo(1);
    assertThat(held).doesNotExist();
    assertThat(kept).exists();
    assertThat(owned).exists();
  }

  @Test
  void preparingRecordsTheStorageAndItsStateDirectory() throws Exception {
    String id = "copy:" + tmp.resolve("store-" + UUID.randomUUID());
    Path state = tmp.resolve("state");
    Path dir = StorageRuntimes.prepare(id, state);
    try {
      assertThat(dir).isEqualTo(LockplaneDirectories.storageRuntime(id));
      assertThat(Files.readString(dir.resolve(StorageRuntimes.STORE)).strip()).isEqualTo(id);
      assertThat(Files.readString(dir.resolve(StorageRuntimes.STATE)).strip()).isEqualTo(state.toString());
      // its state directory does not exist (yet), but nothing marks it unused until a later JVM looks
      assertThat(StorageRuntimes.prepare(id, state)).isEqualTo(dir);
    } finally {
      dev.lockplane.internal.fs.FileTrees.deleteQuietly(dir);
    }
  }
}
