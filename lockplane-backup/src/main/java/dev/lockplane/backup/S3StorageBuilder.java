package dev.lockplane.backup;

import dev.lockplane.ErrorCode;
import dev.lockplane.LockplaneException;
import dev.lockplane.internal.backup.S3Clients;
import java.net.URI;
import java.time.Duration;
import java.util.Objects;

/**
 * Configures storage in an S3-compatible bucket. Whatever is not set comes from the AWS SDK's
 * standard chains: credentials from the environment, system properties, {@code ~/.aws} profiles or
 * the instance's role; the region from {@code AWS_REGION} or the profile (else {@code us-east-1});
 * the endpoint from {@code AWS_ENDPOINT_URL_S3} or {@code AWS_ENDPOINT_URL} (else AWS itself).
 *
 * <pre>{@code
 * BackupStorage bucket = BackupStorage.s3(URI.create("s3://backups/prod/"))
 *     .endpoint(URI.create("http://127.0.0.1:9000")).pathStyle(true).region("eu-west-1")
 *     .build();
 * BackupRepository repo = BackupRepository.on(bucket).encryptWith(keyset).open();
 * }</pre>
 *
 * <p>Each setting may be given once.
 */
public final class S3StorageBuilder {
  private final String bucket;
  private final String prefix;
  private URI endpoint;
  private String region;
  private Boolean pathStyle;
  private String accessKeyId;
  private String secretAccessKey;
  private Integer maxAttempts;
  private Integer partSize;
  private Duration attemptTimeout;

  S3StorageBuilder(URI location) {
    Objects.requireNonNull(location, "location");
    if (!"s3".equals(location.getScheme()) || location.getHost() == null) {
      throw new LockplaneException(ErrorCode.INVALID_CONFIGURATION, "An S3 location looks like s3://bucket/prefix/, not '"
          + location.getScheme() + "://" + (location.getHost() == null ? "" : location.getHost()) + "...'.");
    }
    if (location.getUserInfo() != null) {
      throw new LockplaneException(ErrorCode.INVALID_CONFIGURATION, "The S3 location s3://" + location.getHost()
          + "/... carries credentials; give them with credentials(...) or the AWS environment instead, so they stay out of logs.");
    }
    this.bucket = location.getHost();
    String path = location.getPath() == null ? "" : location.getPath();
    while (path.startsWith("/")) {
      path = path.substring(1);
    }
    this.prefix = path.isEmpty() || path.endsWith("/") ? path : path + "/";
  }

  private static void once(Object current, String what) {
    if (current != null) {
      throw new LockplaneException(ErrorCode.INVALID_CONFIGURATION, what + " was already set; set it once.");
    }
  }

  /**
   * The service's address, for S3-compatible servers (MinIO, Ceph, s3proxy) or a private endpoint.
   *
   * @param endpoint such as {@code http://127.0.0.1:9000}
   * @return this builder
   */
  public S3StorageBuilder endpoint(URI endpoint) {
    once(this.endpoint, "endpoint");
    this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
    return this;
  }

  /**
   * The region, such as {@code eu-west-1}.
   *
   * @param region the region
   * @return this builder
   */
  public S3StorageBuilder region(String region) {
    once(this.region, "region");
    this.region = Objects.requireNonNull(region, "region");
    return this;
  }

  /**
   * Addresses the bucket in the path ({@code http://host/bucket/key}) rather than in the host name;
   * most S3-compatible servers need it. Default false.
   *
   * @param pathStyle whether to use path-style addressing
   * @return this builder
   */
  public S3StorageBuilder pathStyle(boolean pathStyle) {
    once(this.pathStyle, "pathStyle");
    this.pathStyle = pathStyle;
    return this;
  }

  /**
   * Static credentials instead of the standard provider chain. They never appear in messages.
   *
   * @param accessKeyId the access key id
   * @param secretAccessKey the secret access key
   * @return this builder
   */
  public S3StorageBuilder credentials(String accessKeyId, String secretAccessKey) {
    once(this.accessKeyId, "credentials");
    this.accessKeyId = Objects.requireNonNull(accessKeyId, "accessKeyId");
    this.secretAccessKey = Objects.requireNonNull(secretAccessKey, "secretAccessKey");
    return this;
  }

  /**
   * How many times a request is tried in all, with exponential backoff and jitter between tries
   * (default 5).
   *
   * @param attempts 1 to 20
   * @return this builder
   */
  public S3StorageBuilder maxAttempts(int attempts) {
    once(this.maxAttempts, "maxAttempts");
    if (attempts < 1 || attempts > 20) {
      throw new LockplaneException(ErrorCode.INVALID_CONFIGURATION, "maxAttempts must be 1 to 20, not " + attempts + ".");
    }
    this.maxAttempts = attempts;
    return this;
  }

  /**
   * The size of multipart upload parts; objects up to this size are sent in one request (default
   * 16 MiB, at least S3's minimum of 5 MiB).
   *
   * @param bytes 5 MiB to 1 GiB
   * @return this builder
   */
  public S3StorageBuilder partSize(int bytes) {
    once(this.partSize, "partSize");
    if (bytes < 5 << 20 || bytes > 1 << 30) {
      throw new LockplaneException(ErrorCode.INVALID_CONFIGURATION, "partSize must be 5 MiB to 1 GiB, not " + bytes + " bytes.");
    }
    this.partSize = bytes;
    return this;
  }

  /**
   * How long one try of one request may take before it is abandoned and retried (default 2 minutes).
   *
   * @param timeout the time per try
   * @return this builder
   */
  public S3StorageBuilder attemptTimeout(Duration timeout) {
    once(this.attemptTimeout, "attemptTimeout");
    if (Objects.requireNonNull(timeout, "timeout").isNegative() || timeout.isZero()) {
      throw new LockplaneException(ErrorCode.INVALID_CONFIGURATION, "attemptTimeout must be positive, not " + timeout + ".");
    }
    this.attemptTimeout = timeout;
    return this;
  }

  /**
   * Builds the storage. No request is sent yet; a missing bucket or wrong credentials show at the
   * first operation, as an {@link java.io.IOException} naming the bucket. Close the storage to
   * release its connections.
   *
   * @return the storage
   */
  public BackupStorage build() {
    return S3Clients.storage(bucket, prefix, endpoint, region, pathStyle != null && pathStyle, accessKeyId, secretAccessKey,
        maxAttempts == null ? 5 : maxAttempts, partSize == null ? 16 << 20 : partSize,
        attemptTimeout == null ? Duration.ofMinutes(2) : attemptTimeout);
  }
}
