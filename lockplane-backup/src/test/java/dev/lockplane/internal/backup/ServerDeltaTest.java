package dev.lockplane.internal.backup;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A server's incremental file turned into a block delta reconstructs the file as
 * {@code pg_combinebackup} does, including the cases no server run here produces on demand: a file
 * cut and then extended past a gap between two backups, blocks past the parent's end, a file cut to
 * nothing. Each case restores the way a restore applies a delta (the parent's file takes the new
 * length, then the delta's blocks are written: sent ones with the server's content, the others as
 * zeros) and compares the result, block by block, with pg_combinebackup's rule.
 */
class ServerDeltaTest {
  /** A block's content: which file it belongs to and its number, so that a misplaced block shows. */
  private static byte[] block(char file, long number) {
    byte[] b = new byte[8];
    b[0] = (byte) file;
    b[1] = (byte) number;
    b[2] = (byte) (number >> 8);
    return b;
  }

  private static final byte[] ZERO = new byte[8];

  /** pg_combinebackup's rule: sent → the server's; before the truncation length → the parent's (zeros past its end); else zeros. */
  private static byte[][] expected(long parentBlocks, long truncation, long[] sent) {
    long length = Math.max(truncation, sent.length == 0 ? 0 : sent[sent.length - 1] + 1);
    byte[][] out = new byte[(int) length][];
    for (int b = 0; b < length; b++) {
      if (Arrays.binarySearch(sent, b) >= 0) {
        out[b] = block('S', b);
      } else if (b < truncation && b < parentBlocks) {
        out[b] = block('P', b);
      } else {
        out[b] = ZERO;
      }
    }
    return out;
  }

  /** What a restore makes of the parent's file and the delta. */
  private static byte[][] restored(long parentBlocks, long[] sent, IncrementalFiles.ServerDelta delta) {
    Map<Long, byte[]> file = new HashMap<>();
    for (long b = 0; b < Math.min(parentBlocks, delta.length()); b++) {
      file.put(b, block('P', b));
    }
    for (long b : delta.blocks()) {
      assertThat(b).as("a delta block within the new length").isLessThan(delta.length());
      file.put(b, Arrays.binarySearch(sent, b) >= 0 ? block('S', b) : ZERO);
    }
    byte[][] out = new byte[(int) delta.length()][];
    for (int b = 0; b < delta.length(); b++) {
      out[b] = file.getOrDefault((long) b, ZERO);
    }
    return out;
  }

  private static void check(long parentBlocks, long truncation, long... sent) {
    IncrementalFiles.ServerDelta delta = IncrementalFiles.serverDelta(sent, truncation, parentBlocks);
    byte[][] want = expected(parentBlocks, truncation, sent);
    assertThat(delta.length()).as("length, parent %d, truncation %d, sent %s", parentBlocks, truncation,
        Arrays.toString(sent)).isEqualTo(want.length);
    byte[][] got = restored(parentBlocks, sent, delta);
    for (int b = 0; b < want.length; b++) {
      assertThat(got[b]).as("block %d, parent %d, truncation %d, sent %s", b, parentBlocks, truncation,
          Arrays.toString(sent)).isEqualTo(want[b]);
    }
    assertThat(delta.blocks()).as("ascending").isSorted();
  }

  @Test
  void changedBlocksOfAFileThatWasNotCut() {
    check(10, 10, 2, 7);
    check(10, 10);
  }

  @Test
  void aFileThatGrew() {
    check(10, 10, 3, 10, 11, 12);
    // a limit past the parent's end: the blocks between are new, and zeros where not sent
    check(4, 8);
    check(4, 8, 6);
  }

  @Test
  void aFileCutThenExtendedPastAGap() {
    // cut to 5 blocks, then written at 12: blocks 5–9, which the parent has, and 10–11 are zeros
    check(10, 5, 12);
    IncrementalFiles.ServerDelta delta = IncrementalFiles.serverDelta(new long[] {12}, 5, 10);
    assertThat(delta.length()).isEqualTo(13);
    assertThat(delta.blocks()).containsExactly(5, 6, 7, 8, 9, 12);
  }

  @Test
  void aFileCutAndPartlyRewritten() {
    check(10, 5, 5, 6);
    check(10, 5, 1, 5, 6);
    check(10, 3);
  }

  @Test
  void aFileCutToNothing() {
    check(10, 0);
    check(10, 0, 0, 1);
    IncrementalFiles.ServerDelta empty = IncrementalFiles.serverDelta(new long[0], 0, 10);
    assertThat(empty.length()).isZero();
    assertThat(empty.blocks()).isEmpty();
  }

  @Test
  void everySmallCaseAgreesWithPgCombinebackup() {
    // parents of 0–6 blocks, truncation lengths 0–8, every set of sent blocks among 0–7
    for (int parent = 0; parent <= 6; parent++) {
      for (int truncation = 0; truncation <= 8; truncation++) {
        for (int mask = 0; mask < 256; mask++) {
          long[] sent = new long[Integer.bitCount(mask)];
          int n = 0;
          for (int b = 0; b < 8; b++) {
            if ((mask & (1 << b)) != 0) {
              sent[n++] = b;
            }
          }
          check(parent, truncation, sent);
        }
      }
    }
  }
}
