package dev.lockplane.internal.backup;

import java.io.IOException;
import java.io.InputStream;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * The stream of one object being read from S3. The client retries whole requests, but a
 * connection lost while the body streams surfaces as an exception in the middle of a read; this
 * stream then asks again for the rest (a range request pinned to the object's ETag, so a different
 * object under the same key cannot be spliced in), a bounded number of times.
 */
final class S3Download extends InputStream {
  private static final int RESUMES = 3;
  private final S3ObjectStorage storage;
  private final String key;
  private final String fullKey;
  private final long size;
  private final String etag;
  private InputStream body;
  private long position;
  private int resumes;
  private boolean closed;

  S3Download(S3ObjectStorage storage, String key, String fullKey, long size, String etag) {
    this.storage = storage;
    this.key = key;
    this.fullKey = fullKey;
    this.size = size;
    this.etag = etag;
  }

  private InputStream body() throws IOException {
    if (body == null) {
      if (position >= size) {
        return InputStream.nullInputStream();
      }
      try {
        long from = position;
        body = storage.client().getObject(r -> {
          r.bucket(storage.bucket()).key(fullKey).ifMatch(etag);
          if (from > 0) {
            r.range("bytes=" + from + "-");
          }
        });
      } catch (SdkException e) {
        throw storage.failure("read", key, e);
      }
    }
    return body;
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    int n = read(one, 0, 1);
    return n < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    if (closed) {
      throw new IOException("object '" + key + "' in " + storage.describe() + " is closed");
    }
    if (len == 0) {
      return 0;
    }
    while (true) {
      try {
        int n = body().read(b, off, len);
        if (n > 0) {
          position += n;
        } else if (n < 0 && position < size) {
          throw new IOException("the body ended after " + position + " of " + size + " bytes");
        }
        return n;
      } catch (IOException | SdkException e) {
        closeBody();
        if (++resumes > RESUMES) {
          throw e instanceof SdkException s ? storage.failure("read", key, s)
              : new IOException("cannot read object '" + key + "' in " + storage.describe() + ": " + e.getMessage(), e);
        }
      }
    }
  }

  private void closeBody() {
    if (body != null) {
      if (body instanceof software.amazon.awssdk.core.ResponseInputStream<?> r) {
        // do not drain the rest of a large body just to close it
        r.abort();
      }
      try {
        body.close();
      } catch (IOException ignored) {
        // the connection is gone already
      }
      body = null;
    }
  }

  @Override
  public void close() {
    closed = true;
    closeBody();
  }
}
