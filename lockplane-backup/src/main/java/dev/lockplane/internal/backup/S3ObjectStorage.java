package dev.lockplane.internal.backup;

import dev.lockplane.backup.BackupStorage;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Objects in an S3-compatible bucket under a key prefix. Write-once: {@link #create(String)}
 * refuses a key that exists, and the object is published by one conditional request when its
 * stream closes ({@code PutObject}, or {@code CompleteMultipartUpload} for objects larger than a
 * part), both with {@code If-None-Match: *} so a concurrent writer cannot overwrite it either. Until
 * then nothing is visible: an abandoned upload is aborted, and the parts of a killed one stay
 * invisible until the bucket's lifecycle rule for incomplete uploads removes them.
 *
 * <p>Retries with backoff, timeouts and credentials are the client's; this class maps the
 * service's answers to the storage contract's exceptions, with messages that name the bucket and
 * key and never a credential.
 */
public final class S3ObjectStorage implements BackupStorage {
  private final S3Client client;
  private final String bucket;
  private final String prefix;
  private final int partSize;
  private final String description;
  private final Map<String, S3Upload> uploads = new ConcurrentHashMap<>();

  /**
   * Creates the storage.
   *
   * @param client the client; closed with this storage
   * @param bucket the bucket
   * @param prefix the key prefix, empty or ending in {@code /}
   * @param partSize the size of multipart upload parts and the largest object sent in one request
   * @param description how messages name the storage, such as {@code s3://bucket/prefix at http://host:9000}
   */
  public S3ObjectStorage(S3Client client, String bucket, String prefix, int partSize, String description) {
    if (!prefix.isEmpty() && !prefix.endsWith("/")) {
      throw new IllegalArgumentException("prefix must be empty or end in '/': " + prefix);
    }
    this.client = client;
    this.bucket = bucket;
    this.prefix = prefix;
    this.partSize = partSize;
    this.description = description;
  }

  /** Returns the bucket. */
  public String bucket() {
    return bucket;
  }

  String fullKey(String key) throws IOException {
    if (!ObjectKeys.isSafe(key)) {
      throw new IOException("invalid object key '" + key + "': keys are relative slash-separated paths");
    }
    return prefix + key;
  }

  S3Client client() {
    return client;
  }

  int partSize() {
    return partSize;
  }

  @Override
  public OutputStream create(String key) throws IOException {
    String full = fullKey(key);
    if (head(full, key) != null) {
      throw new FileAlreadyExistsException(key, null, "object exists in " + description + "; objects are written once");
    }
    S3Upload upload = new S3Upload(this, key, full);
    uploads.put(key, upload);
    return upload;
  }

  /** Called by an upload when it ends, published or not. */
  void ended(String key, S3Upload upload) {
    uploads.remove(key, upload);
  }

  @Override
  public InputStream open(String key) throws IOException {
    String full = fullKey(key);
    HeadObjectResponse head = head(full, key);
    if (head == null) {
      throw new NoSuchFileException(key, null, "no such object in " + description);
    }
    return new S3Download(this, key, full, head.contentLength(), head.eTag());
  }

  @Override
  public long size(String key) throws IOException {
    HeadObjectResponse head = head(fullKey(key), key);
    if (head == null) {
      throw new NoSuchFileException(key, null, "no such object in " + description);
    }
    return head.contentLength();
  }

  /** Returns the object's metadata, or {@code null} when it does not exist. */
  private HeadObjectResponse head(String full, String key) throws IOException {
    try {
      return client.headObject(b -> b.bucket(bucket).key(full));
    } catch (AwsServiceException e) {
      if (e.statusCode() == 404 && !"NoSuchBucket".equals(errorCode(e))) {
        return null;
      }
      throw failure("read", key, e);
    } catch (SdkException e) {
      throw failure("read", key, e);
    }
  }

  @Override
  public List<String> list(String keyPrefix) throws IOException {
    List<String> keys = new ArrayList<>();
    try {
      ListObjectsV2Request request = ListObjectsV2Request.builder().bucket(bucket).prefix(prefix + keyPrefix).build();
      for (ListObjectsV2Response page : client.listObjectsV2Paginator(request)) {
        for (S3Object o : page.contents()) {
          // "folder" markers (keys ending in '/') are an artifact of consoles and some servers, not objects
          if (!o.key().endsWith("/")) {
            keys.add(o.key().substring(prefix.length()));
          }
        }
      }
    } catch (SdkException e) {
      throw failure("list", keyPrefix + "*", e);
    }
    // S3 lists in UTF-8 byte order; keys are ASCII, but the contract promises String order
    keys.sort(null);
    return keys;
  }

  @Override
  public Map<String, Long> sizes(String keyPrefix) throws IOException {
    Map<String, Long> sizes = new java.util.TreeMap<>();
    try {
      ListObjectsV2Request request = ListObjectsV2Request.builder().bucket(bucket).prefix(prefix + keyPrefix).build();
      for (ListObjectsV2Response page : client.listObjectsV2Paginator(request)) {
        for (S3Object o : page.contents()) {
          if (!o.key().endsWith("/")) {
            sizes.put(o.key().substring(prefix.length()), o.size());
          }
        }
      }
    } catch (SdkException e) {
      throw failure("list", keyPrefix + "*", e);
    }
    return sizes;
  }

  @Override
  public void delete(String key) throws IOException {
    String full = fullKey(key);
    S3Upload upload = uploads.remove(key);
    if (upload != null) {
      // an upload abandoned mid-stream: drop it, so that its close publishes nothing
      upload.abandon();
    }
    try {
      client.deleteObject(b -> b.bucket(bucket).key(full));
    } catch (AwsServiceException e) {
      if (e.statusCode() != 404 || "NoSuchBucket".equals(errorCode(e))) {
        throw failure("delete", key, e);
      }
    } catch (SdkException e) {
      throw failure("delete", key, e);
    }
  }

  @Override
  public String describe() {
    return description;
  }

  /** Aborts uploads still open and closes the client. Safe to call twice. */
  @Override
  public void close() {
    for (S3Upload u : List.copyOf(uploads.values())) {
      u.abandon();
    }
    uploads.clear();
    client.close();
  }

  static String errorCode(AwsServiceException e) {
    return e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
  }

  /**
   * Turns a client or service failure into an I/O error that says what failed, on which object,
   * and what to check. The SDK's own message carries request ids, never credentials.
   */
  IOException failure(String action, String key, SdkException e) {
    String what = "cannot " + action + " object '" + key + "' in " + description + ": ";
    if (e instanceof AwsServiceException s) {
      String code = errorCode(s);
      if ("NoSuchBucket".equals(code)) {
        return new NoSuchFileException(key, null, what + "the bucket '" + bucket + "' does not exist; create it or check the bucket name");
      }
      if (s.statusCode() == 403 || "InvalidAccessKeyId".equals(code) || "SignatureDoesNotMatch".equals(code)) {
        return new java.nio.file.AccessDeniedException(key, null, what + "access denied (" + code
            + "); check the credentials and that they may read and write the bucket '" + bucket + "'");
      }
      if (s.statusCode() == 412) {
        return new FileAlreadyExistsException(key, null, what + "the object was created meanwhile; objects are written once");
      }
      return new IOException(what + "the service answered " + s.statusCode() + " " + code, e);
    }
    return new IOException(what + e.getMessage() + ". Check the endpoint and the network", e);
  }
}
