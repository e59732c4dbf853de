package dev.lockplane.internal.backup;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdCompressCtx;
import java.io.IOException;
import java.io.OutputStream;

/**
 * Compresses a stream as a sequence of independent zstd frames of up to {@link #FRAME} plaintext
 * bytes each, one compression call per frame on a context reused for the whole stream. A sequence
 * of frames is a valid zstd stream: any zstd reader, including the one that read objects written
 * by a streaming compressor before, decodes it. Each frame records its content size, so a small
 * file gets a small window and no per-call overhead is paid per write, and ends with a checksum
 * of its content (zstd's 32 bits of XXH64), which every zstd reader checks as it decodes: a
 * restore relies on it instead of hashing the plaintext again ({@link Header}).
 */
final class ZstdFrames extends OutputStream {
  /** Plaintext per frame: big enough that splitting costs no measurable ratio. */
  static final int FRAME = 4 << 20;

  private final OutputStream out;
  private final ZstdCompressCtx ctx;
  private final byte[] in;
  private byte[] frame;
  private int used;
  private boolean wroteFrame;
  private boolean closed;

  /**
   * Creates the stream.
   *
   * @param out where the frames go; closed with this stream
   * @param level the zstd level
   * @param expected how many plaintext bytes will be written at most, to size the buffer
   */
  ZstdFrames(OutputStream out, int level, long expected) {
    this.out = out;
    this.in = new byte[(int) Math.max(1, Math.min(FRAME, expected))];
    this.ctx = new ZstdCompressCtx();
    ctx.setLevel(level);
    ctx.setContentSize(true);
    ctx.setChecksum(true);
  }

  @Override
  public void write(int b) throws IOException {
    write(new byte[] {(byte) b}, 0, 1);
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    while (len > 0) {
      int n = Math.min(len, in.length - used);
      System.arraycopy(b, off, in, used, n);
      used += n;
      off += n;
      len -= n;
      if (used == in.length) {
        flushFrame();
      }
    }
  }

  private void flushFrame() throws IOException {
    int bound = (int) Zstd.compressBound(used);
    if (frame == null || frame.length < bound) {
      frame = new byte[bound];
    }
    int n = ctx.compressByteArray(frame, 0, frame.length, in, 0, used);
    used = 0;
    wroteFrame = true;
    out.write(frame, 0, n);
  }

  /** Frees the compression context without writing anything more: the object is being deleted. */
  void discard() {
    if (!closed) {
      closed = true;
      ctx.close();
    }
  }

  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    try {
      // an empty object still gets one (empty) frame, as the streaming compressor wrote
      if (used > 0 || !wroteFrame) {
        flushFrame();
      }
      out.close();
    } finally {
      ctx.close();
    }
  }

  /**
   * The decoded (decrypted) stream of a zstd object, able to tell from its first frame's header
   * whether its frames carry content checksums: those written by this class do, those of earlier
   * versions do not. The header is read ahead and handed on unchanged.
   */
  static final class Header extends java.io.PushbackInputStream {
    /** A frame's magic number and its frame header descriptor: bit 2 is the content checksum flag. */
    private static final int PEEK = 5;

    private Boolean checksummed;

    Header(java.io.InputStream in) {
      super(in, PEEK);
    }

    /**
     * Whether the object's frames end with content checksums that decoding checks.
     *
     * @throws IOException when the first bytes cannot be read (decryption fails, for one)
     */
    boolean checksummed() throws IOException {
      if (checksummed == null) {
        byte[] h = new byte[PEEK];
        int n = 0;
        while (n < PEEK) {
          int r = in.read(h, n, PEEK - n);
          if (r < 0) {
            break;
          }
          n += r;
        }
        unread(h, 0, n);
        checksummed = n == PEEK && (h[0] & 0xff) == 0x28 && (h[1] & 0xff) == 0xb5 && (h[2] & 0xff) == 0x2f
            && (h[3] & 0xff) == 0xfd && (h[4] & 0x04) != 0;
      }
      return checksummed;
    }
  }
}
