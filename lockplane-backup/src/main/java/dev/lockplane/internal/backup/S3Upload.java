package dev.lockplane.internal.backup;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.FileAlreadyExistsException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;

/**
 * The stream of one object being written to S3. Bytes collect in a buffer of one part; an object
 * that fits is sent by one {@code PutObject} on close, a larger one becomes a multipart upload whose
 * parts are sent as the buffer fills and which is completed on close. Either request carries
 * {@code If-None-Match: *}, and either is atomic: the object is visible whole or not at all.
 *
 * <p>A request whose answer was lost is retried by the client; if the first attempt had in fact
 * published the object, the retry is refused with 412. The object is then compared with what this
 * stream sent (size and ETag, which S3 derives from the MD5 of the bytes or of the parts), so a lost
 * answer does not turn a successful write into an "object exists" error.
 */
final class S3Upload extends OutputStream {
  private static final int ABORT_ATTEMPTS = 3;
  private final S3ObjectStorage storage;
  private final String key;
  private final String fullKey;
  private final byte[] buffer;
  private int filled;
  private long total;
  private String uploadId;
  private final List<CompletedPart> parts = new ArrayList<>();
  private final List<byte[]> partDigests = new ArrayList<>();
  private boolean closed;
  private boolean abandoned;

  S3Upload(S3ObjectStorage storage, String key, String fullKey) {
    this.storage = storage;
    this.key = key;
    this.fullKey = fullKey;
    this.buffer = new byte[storage.partSize()];
  }

  @Override
  public void write(int b) throws IOException {
    write(new byte[] {(byte) b}, 0, 1);
  }

  @Override
  public synchronized void write(byte[] b, int off, int len) throws IOException {
    if (closed || abandoned) {
      throw new IOException("object '" + key + "' in " + storage.describe() + " is " + (abandoned ? "abandoned" : "closed"));
    }
    while (len > 0) {
      if (filled == buffer.length) {
        sendPart();
      }
      int n = Math.min(len, buffer.length - filled);
      System.arraycopy(b, off, buffer, filled, n);
      filled += n;
      off += n;
      len -= n;
      total += n;
    }
  }

  private void sendPart() throws IOException {
    try {
      if (uploadId == null) {
        uploadId = storage.client().createMultipartUpload(r -> r.bucket(storage.bucket()).key(fullKey)).uploadId();
      }
      int number = parts.size() + 1;
      byte[] bytes = Arrays.copyOf(buffer, filled);
      String etag = storage.client().uploadPart(r -> r.bucket(storage.bucket()).key(fullKey).uploadId(uploadId)
          .partNumber(number).contentLength((long) bytes.length), RequestBody.fromBytes(bytes)).eTag();
      parts.add(CompletedPart.builder().partNumber(number).eTag(etag).build());
      partDigests.add(md5(bytes));
      filled = 0;
    } catch (SdkException e) {
      abandon();
      throw storage.failure("write", key, e);
    }
  }

  /** Publishes the object. */
  @Override
  public synchronized void close() throws IOException {
    if (closed || abandoned) {
      closed = true;
      return;
    }
    closed = true;
    try {
      if (uploadId == null) {
        byte[] bytes = Arrays.copyOf(buffer, filled);
        try {
          storage.client().putObject(r -> r.bucket(storage.bucket()).key(fullKey).ifNoneMatch("*")
              .contentLength((long) bytes.length), RequestBody.fromBytes(bytes));
        } catch (AwsServiceException e) {
          if (e.statusCode() != 412 || !isOurs(HexFormat.of().formatHex(md5(bytes)))) {
            throw e;
          }
        }
        return;
      }
      if (filled > 0 || parts.isEmpty()) {
        sendPart();
      }
      try {
        storage.client().completeMultipartUpload(r -> r.bucket(storage.bucket()).key(fullKey).uploadId(uploadId)
            .ifNoneMatch("*").multipartUpload(u -> u.parts(parts)));
      } catch (AwsServiceException e) {
        if (e.statusCode() != 412 && !"NoSuchUpload".equals(S3ObjectStorage.errorCode(e)) || !isOurs(multipartEtag())) {
          throw e;
        }
      }
    } catch (SdkException e) {
      abortQuietly();
      throw storage.failure("write", key, e);
    } finally {
      storage.ended(key, this);
    }
  }

  /** Whether the object now under the key is the one this stream sent. */
  private boolean isOurs(String expectedEtag) throws IOException {
    HeadObjectResponse head;
    try {
      head = storage.client().headObject(r -> r.bucket(storage.bucket()).key(fullKey));
    } catch (SdkException e) {
      return false;
    }
    String etag = head.eTag() == null ? "" : head.eTag().replace("\"", "");
    if (head.contentLength() == total && etag.equals(expectedEtag)) {
      return true;
    }
    throw new FileAlreadyExistsException(key, null, "object exists in " + storage.describe()
        + " (written by another writer meanwhile); objects are written once");
  }

  private String multipartEtag() {
    MessageDigest d = md5Digest();
    partDigests.forEach(d::update);
    return HexFormat.of().formatHex(d.digest()) + "-" + partDigests.size();
  }

  /** Drops the upload: nothing becomes visible, and the sent parts are discarded. Safe to call twice. */
  synchronized void abandon() {
    if (abandoned) {
      return;
    }
    abandoned = true;
    abortQuietly();
    storage.ended(key, this);
  }

  /**
   * Aborts the multipart upload. S3 documents that a part still being stored when the abort arrives
   * can survive it, so the upload is checked afterwards ({@code ListParts}) and aborted again while
   * parts remain or the abort failed, a few times over about a second. If that does not succeed the
   * upload stays invisible, and the bucket's lifecycle rule for incomplete uploads reclaims the parts.
   */
  private void abortQuietly() {
    if (uploadId == null) {
      return;
    }
    String id = uploadId;
    uploadId = null;
    for (int attempt = 1; attempt <= ABORT_ATTEMPTS; attempt++) {
      if (abortedForGood(id)) {
        return;
      }
      if (attempt < ABORT_ATTEMPTS) {
        try {
          Thread.sleep(100L << attempt);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }

  /** One abort and its check: whether the service no longer holds the upload or any of its parts. */
  private boolean abortedForGood(String id) {
    try {
      storage.client().abortMultipartUpload(r -> r.bucket(storage.bucket()).key(fullKey).uploadId(id));
    } catch (AwsServiceException e) {
      return e.statusCode() == 404; // already gone
    } catch (SdkException e) {
      return false; // the network failed too
    }
    try {
      return storage.client().listParts(r -> r.bucket(storage.bucket()).key(fullKey).uploadId(id)).parts().isEmpty();
    } catch (AwsServiceException e) {
      return e.statusCode() == 404 || e.statusCode() == 403; // gone, or not ours to look at: the abort was accepted
    } catch (SdkException e) {
      return true; // the abort was accepted; the check could not be made
    }
  }

  private static byte[] md5(byte[] bytes) {
    return md5Digest().digest(bytes);
  }

  private static MessageDigest md5Digest() {
    try {
      // S3's ETag, not a security measure: objects carry their own SHA-256 in the manifest
      return MessageDigest.getInstance("MD5");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
