package dev.lockplane.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.MultipartUpload;
import software.amazon.awssdk.services.s3.model.NoSuchUploadException;

/** What S3 failures look like: a missing bucket, wrong credentials, connections reset mid-upload. */
class S3FailureTest {
  @TempDir static Path tmp;
  private static S3Server server;

  @BeforeAll
  static void start() throws Exception {
    server = new S3Server(tmp.resolve("s3"), "failures");
  }

  @AfterAll
  static void stop() throws Exception {
    if (server != null) {
      server.close();
    }
  }

  /** A plain SDK client, to look at the bucket the way an operator would. */
  private static S3Client inspector() {
    return S3Client.builder().endpointOverride(server.endpoint()).forcePathStyle(true).region(Region.US_EAST_1)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(S3Server.ACCESS_KEY, S3Server.SECRET_KEY)))
        .build();
  }

  @Test
  void aMissingBucketIsNamed() {
    try (BackupStorage s = server.storage("s3://no-such-bucket/repo")) {
      assertThatThrownBy(() -> s.list("backups/")).isInstanceOf(NoSuchFileException.class)
          .hasMessageContaining("the bucket 'no-such-bucket' does not exist");
      assertThatThrownBy(() -> StorageContract.write(s, "backups/x/manifest.json", new byte[10]))
          .isInstanceOf(NoSuchFileException.class).hasMessageContaining("no-such-bucket");
      BackupRepository repo = BackupRepository.on(s).unencrypted().open();
      assertThatThrownBy(repo::list).isInstanceOf(BackupException.class)
          .hasMessageContaining("Cannot list s3://no-such-bucket/repo/").hasMessageContaining("does not exist");
    }
  }

  @Test
  void wrongCredentialsAreAccessDeniedWithoutTheSecret() throws IOException {
    String wrongSecret = "wrong-secret-value-1234";
    try (BackupStorage s = BackupStorage.s3(URI.create("s3://failures/repo")).endpoint(server.endpoint()).pathStyle(true)
        .region("us-east-1").credentials(S3Server.ACCESS_KEY, wrongSecret).maxAttempts(2).build()) {
      assertThatThrownBy(() -> s.list("backups/")).isInstanceOf(AccessDeniedException.class)
          .hasMessageContaining("access denied").hasMessageContaining("check the credentials")
          .hasMessageNotContaining(wrongSecret);
      assertThatThrownBy(() -> StorageContract.write(s, "backups/x/data/1", new byte[10]))
          .isInstanceOf(AccessDeniedException.class).hasMessageNotContaining(wrongSecret);
    }
    try (BackupStorage s = server.storage("s3://failures/repo")) {
      assertThat(s.list("")).doesNotContain("backups/x/data/1");
    }
  }

  @Test
  void aConnectionResetMidUploadLeavesNothingVisible() throws Exception {
    try (FaultyTcpProxy proxy = new FaultyTcpProxy(server.endpoint());
        BackupStorage viaProxy = server.storage("s3://failures/reset", proxy.endpoint());
        BackupStorage direct = server.storage("s3://failures/reset");
        S3Client inspector = inspector()) {
      // every connection dies after 1 MiB: the multipart upload (5 MiB parts) cannot finish, whatever the retries
      proxy.resetAfter(1 << 20, Integer.MAX_VALUE);
      byte[] large = StorageContract.bytes(12 << 20, 3);
      assertThatThrownBy(() -> StorageContract.write(viaProxy, "backups/r/data/000001", large)).isInstanceOf(IOException.class)
          .hasMessageContaining("backups/r/data/000001");
      // and a single-request object of 2 MiB
      assertThatThrownBy(() -> StorageContract.write(viaProxy, "backups/r/data/000002", StorageContract.bytes(2 << 20, 4)))
          .isInstanceOf(IOException.class);
      assertThat(proxy.resets()).isGreaterThanOrEqualTo(2);

      // s3proxy's filesystem backend writes a PUT's body to a temporary file named KEY-UUID and can leave
      // it behind when the connection is cut after the body arrived; no object under either key is visible
      assertThat(direct.list("backups/")).allMatch(k -> k.matches("backups/r/data/00000[12]-[0-9a-f-]{36}"));
      assertThatThrownBy(() -> direct.open("backups/r/data/000001")).isInstanceOf(NoSuchFileException.class);
      assertThatThrownBy(() -> direct.open("backups/r/data/000002")).isInstanceOf(NoSuchFileException.class);
      // the failed multipart upload was aborted. When the abort races a part that s3proxy is still storing
      // from a cut connection, s3proxy fails the abort halfway: it forgets the upload (a further abort is
      // NoSuchUpload) but keeps listing it. Real S3 has no such state; any upload still listed here must be
      // one the service already let go of, never one the library left behind.
      for (MultipartUpload u : inspector.listMultipartUploads(b -> b.bucket("failures").prefix("reset/")).uploads()) {
        assertThatThrownBy(() -> inspector.abortMultipartUpload(b -> b.bucket("failures").key(u.key()).uploadId(u.uploadId())))
            .as("the failed multipart upload %s was aborted", u.uploadId()).isInstanceOf(NoSuchUploadException.class);
      }
      // the key is free: the same object written again, once the network is back, is whole
      StorageContract.write(direct, "backups/r/data/000001", large);
      assertThat(StorageContract.read(direct, "backups/r/data/000001")).isEqualTo(large);
    }
  }

  @Test
  void aSingleResetIsRetried() throws Exception {
    try (FaultyTcpProxy proxy = new FaultyTcpProxy(server.endpoint());
        BackupStorage viaProxy = server.storage("s3://failures/retry", proxy.endpoint())) {
      proxy.resetAfter(1 << 20, 1);
      byte[] large = StorageContract.bytes(7 << 20, 5);
      StorageContract.write(viaProxy, "backups/q/data/000001", large);
      assertThat(proxy.resets()).isEqualTo(1);
      assertThat(StorageContract.read(viaProxy, "backups/q/data/000001")).isEqualTo(large);
      assertThat(viaProxy.list("backups/q/")).containsExactly("backups/q/data/000001");
    }
  }

  @Test
  void anAbandonedMultipartUploadIsAborted() throws Exception {
    try (BackupStorage s = server.storage("s3://failures/abandon"); S3Client inspector = inspector()) {
      OutputStream out = s.create("backups/a/data/000001");
      out.write(StorageContract.bytes(6 << 20, 6)); // one part sent
      assertThat(inspector.listMultipartUploads(b -> b.bucket("failures").prefix("abandon/")).uploads()).hasSize(1);
      s.delete("backups/a/data/000001");
      out.close();
      assertThat(inspector.listMultipartUploads(b -> b.bucket("failures").prefix("abandon/")).uploads()).isEmpty();
      assertThat(s.list("")).isEmpty();
    }
  }

  @Test
  void readsResumeAfterAResetMidBody() throws Exception {
    try (FaultyTcpProxy proxy = new FaultyTcpProxy(server.endpoint());
        BackupStorage viaProxy = server.storage("s3://failures/resume", proxy.endpoint())) {
      byte[] content = StorageContract.bytes(3 << 20, 8);
      StorageContract.write(viaProxy, "backups/d/data/000001", content);
      // the body's connection dies after 2 MiB, once: the stream asks again for the rest
      proxy.resetDownstreamAfter(2 << 20, 1);
      try (InputStream in = viaProxy.open("backups/d/data/000001")) {
        byte[] first = in.readNBytes(1 << 20);
        byte[] rest = in.readAllBytes();
        byte[] all = new byte[first.length + rest.length];
        System.arraycopy(first, 0, all, 0, first.length);
        System.arraycopy(rest, 0, all, first.length, rest.length);
        assertThat(all).isEqualTo(content);
      }
      assertThat(proxy.resets()).isEqualTo(1);
    }
  }
}
