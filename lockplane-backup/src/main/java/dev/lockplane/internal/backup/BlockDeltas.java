package dev.lockplane.internal.backup;

import dev.lockplane.ErrorCode;
import dev.lockplane.backup.BackupException;
import dev.lockplane.internal.wire.ChunkInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The block deltas of an incremental backup: the changed blocks of one relation file, each stored
 * as its block number (4 bytes, big-endian) followed by its content. A restore writes the file's
 * earlier content, then applies each delta in chain order: the file takes the delta's size (cut
 * or extended with zeros), then the delta's blocks are written in place.
 */
public final class BlockDeltas {
  private BlockDeltas() {}

  /** Fills a block's content. */
  @FunctionalInterface
  public interface BlockSource {
    /**
     * Writes one block's content into a buffer.
     *
     * @param block the block number
     * @param into the buffer
     * @param offset where the block's content starts in it
     * @throws IOException when reading fails
     */
    void fill(long block, byte[] into, int offset) throws IOException;
  }

  /**
   * The length of a delta of {@code blocks} blocks in this format.
   *
   * @param blocks the number of blocks
   * @param blockSize the block size
   * @return its length in bytes
   */
  public static long length(int blocks, int blockSize) {
    return (long) blocks * (4 + blockSize);
  }

  /**
   * Returns a stream of the given blocks of a file, in the delta format. Blocks past the file's end
   * (cut while the backup ran) read as zeros: WAL replay from the backup's start cuts them again.
   *
   * @param file the open file
   * @param blockSize the block size
   * @param blocks the block numbers, ascending
   * @return the stream
   */
  public static InputStream stream(FileChannel file, int blockSize, long[] blocks) {
    return records(blocks, blockSize, (block, into, offset) -> {
      ByteBuffer buf = ByteBuffer.wrap(into, offset, blockSize);
      long at = block * blockSize;
      while (buf.hasRemaining()) {
        int n = file.read(buf, at + buf.position() - offset);
        if (n < 0) {
          while (buf.hasRemaining()) {
            buf.put((byte) 0);
          }
        }
      }
    });
  }

  /**
   * Returns a stream of blocks in the delta format, each block's content filled by a source.
   *
   * @param blocks the block numbers, ascending
   * @param blockSize the block size
   * @param source fills a block's content
   * @return the stream
   */
  public static InputStream records(long[] blocks, int blockSize, BlockSource source) {
    return new ChunkInputStream() {
      private final ByteBuffer record = ByteBuffer.allocate(4 + blockSize);
      private int next;

      @Override
      protected ByteBuffer next() throws IOException {
        if (next >= blocks.length) {
          return null;
        }
        long block = blocks[next++];
        record.clear();
        record.putInt((int) block);
        source.fill(block, record.array(), 4);
        return record.position(0).limit(4 + blockSize);
      }
    };
  }

  /**
   * Applies a file's deltas, in order, over its restored earlier content.
   *
   * @param engine the repository
   * @param codec the codec
   * @param m the manifest being restored
   * @param f the file's entry
   * @param target the restored file, holding the content of the entry's parts
   * @param progress the tracker
   * @throws IOException when reading or writing fails
   */
  public static void apply(RepositoryEngine engine, ObjectCodec codec, Manifest m, Manifest.FileEntry f, Path target,
      ProgressTracker progress) throws IOException {
    try (FileChannel out = FileChannel.open(target, StandardOpenOption.WRITE)) {
      for (Manifest.BlockDelta d : f.deltas()) {
        if (out.size() > d.size()) {
          out.truncate(d.size());
        } else if (out.size() < d.size()) {
          // a hole reads as zeros, as a relation extended without writing does
          out.write(ByteBuffer.allocate(1), d.size() - 1);
        }
        long blocks = 0;
        byte[] content = new byte[d.blockSize()];
        // the delta was cut into parts at fixed sizes, so a block may span two parts: read them as one stream
        java.util.Iterator<StoredObject> objects = d.parts().iterator();
        java.util.Enumeration<InputStream> streams = new java.util.Enumeration<>() {
          @Override
          public boolean hasMoreElements() {
            return objects.hasNext();
          }

          @Override
          public InputStream nextElement() {
            StoredObject o = objects.next();
            try {
              return codec.read(engine.storage(), ObjectKeys.ownerOf(o.key(), m.id()), o);
            } catch (IOException e) {
              throw new java.io.UncheckedIOException(e);
            }
          }
        };
        StoredObject o = d.parts().isEmpty() ? null : d.parts().get(0);
        try {
          try (DataInputStream in = new DataInputStream(new java.io.SequenceInputStream(streams))) {
            while (true) {
              int block;
              try {
                block = in.readInt();
              } catch (EOFException end) {
                break;
              }
              in.readFully(content);
              long at = Integer.toUnsignedLong(block) * d.blockSize();
              if (at + d.blockSize() > d.size()) {
                throw new BackupException(ErrorCode.CORRUPTED, "Backup " + m.id() + " holds block " + block + " of "
                    + f.path() + " past the file's recorded size (" + d.size() + " bytes) in its delta " + o.key()
                    + ". Nothing of the restore was kept; verify the backup.", m.id(), o.key(), null);
              }
              ByteBuffer buf = ByteBuffer.wrap(content);
              while (buf.hasRemaining()) {
                out.write(buf, at + buf.position());
              }
              blocks++;
              progress.bytes(d.blockSize());
            }
          }
        } catch (java.io.UncheckedIOException e) {
          throw e.getCause();
        }
        if (blocks != d.blocks()) {
          throw new BackupException(ErrorCode.CORRUPTED, "Backup " + m.id() + " records " + d.blocks() + " changed blocks of "
              + f.path() + " but its delta holds " + blocks + ". Nothing of the restore was kept; verify the backup.",
              m.id(), d.parts().isEmpty() ? null : d.parts().get(0).key(), null);
        }
      }
    }
  }
}
