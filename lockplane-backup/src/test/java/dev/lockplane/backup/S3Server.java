package dev.lockplane.backup;

import java.net.URI;
import java.nio.file.Path;
import java.util.Properties;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStore;
import org.jclouds.blobstore.BlobStoreContext;

/**
 * A real S3-compatible server for tests: s3proxy over jclouds' filesystem backend, started in this
 * JVM on the loopback interface with signature-checked credentials, and stopped on close.
 */
final class S3Server implements AutoCloseable {
  static final String ACCESS_KEY = "lockplane-test";
  static final String SECRET_KEY = "s3cr3t-for-tests-only";

  private final BlobStoreContext context;
  private final S3Proxy proxy;

  S3Server(Path dir, String... buckets) throws Exception {
    this(filesystem(dir), buckets);
  }

  /**
   * A server keeping its objects in memory (jclouds' transient backend): the same S3 protocol, for
   * tests that store many objects and care about the protocol, not about s3proxy's files.
   */
  static S3Server inMemory(String... buckets) throws Exception {
    return new S3Server(ContextBuilder.newBuilder("transient").build(BlobStoreContext.class), buckets);
  }

  private static BlobStoreContext filesystem(Path dir) {
    Properties p = new Properties();
    p.setProperty("jclouds.filesystem.basedir", dir.toString());
    return ContextBuilder.newBuilder("filesystem").overrides(p).build(BlobStoreContext.class);
  }

  private S3Server(BlobStoreContext context, String... buckets) throws Exception {
    this.context = context;
    BlobStore store = context.getBlobStore();
    for (String b : buckets) {
      store.createContainerInLocation(null, b);
    }
    proxy = S3Proxy.builder().blobStore(store).endpoint(URI.create("http://127.0.0.1:0"))
        .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY).build();
    try {
      proxy.start();
      long deadline = System.nanoTime() + 30_000_000_000L;
      while (!"STARTED".equals(proxy.getState())) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("s3proxy did not start: " + proxy.getState());
        }
        Thread.sleep(20);
      }
    } catch (Exception e) {
      close();
      throw e;
    }
  }

  URI endpoint() {
    return URI.create("http://127.0.0.1:" + proxy.getPort());
  }

  /** Storage in a bucket of this server, reached at an endpoint (this server's, or a proxy's in front of it). */
  BackupStorage storage(String location, URI endpoint) {
    return BackupStorage.s3(URI.create(location)).endpoint(endpoint).pathStyle(true).region("us-east-1")
        .credentials(ACCESS_KEY, SECRET_KEY).maxAttempts(3).partSize(5 << 20).build();
  }

  BackupStorage storage(String location) {
    return storage(location, endpoint());
  }

  @Override
  public void close() throws Exception {
    try {
      proxy.stop();
    } finally {
      context.close();
    }
  }
}
