package dev.lockplane.internal.wire;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;

/** An input stream read chunk by chunk from a source that hands out buffers until it ends. */
public abstract class ChunkInputStream extends InputStream {
  private ByteBuffer current = ByteBuffer.allocate(0);
  private boolean ended;

  /**
   * Returns the next chunk, positioned at its first byte, or {@code null} at the end.
   *
   * @throws IOException when the source fails
   */
  protected abstract ByteBuffer next() throws IOException;

  private boolean fill() throws IOException {
    while (!ended && !current.hasRemaining()) {
      ByteBuffer b = next();
      if (b == null) {
        ended = true;
      } else {
        current = b;
      }
    }
    return !ended;
  }

  @Override
  public int read() throws IOException {
    return fill() ? current.get() & 0xff : -1;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    if (len == 0) {
      return 0;
    }
    if (!fill()) {
      return -1;
    }
    int n = Math.min(len, current.remaining());
    current.get(b, off, n);
    return n;
  }
}
