package dev.lockplane.backup;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/** The storage contract in a bucket of a real S3-compatible server on the loopback interface. */
class S3StorageTest extends StorageContract {
  @TempDir static Path tmp;
  private static S3Server server;
  private static final AtomicInteger PREFIX = new AtomicInteger();
  private final List<BackupStorage> opened = new ArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    server = new S3Server(tmp.resolve("s3"), "contract");
  }

  @AfterAll
  static void stop() throws Exception {
    if (server != null) {
      server.close();
    }
  }

  @AfterEach
  void closeStorages() {
    opened.forEach(BackupStorage::close);
  }

  @Override
  BackupStorage storage() {
    // each test under its own prefix, so the prefix handling is tested too
    BackupStorage s = server.storage("s3://contract/t" + PREFIX.incrementAndGet() + "/repo");
    opened.add(s);
    return s;
  }

  @Override
  int largeObjectSize() {
    // above the 5 MiB part size the tests set: a three-part multipart upload
    return 12 << 20;
  }
}
