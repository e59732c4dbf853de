package dev.lockplane.instances;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/** Writes incompressible data into a file until the filesystem says it is full. */
final class Filler {
  private Filler() {}

  static void fill(Path file) throws IOException {
    byte[] chunk = new byte[1 << 20];
    new Random(42).nextBytes(chunk);
    try (OutputStream out = Files.newOutputStream(file)) {
      for (int size = chunk.length; size >= 512; size /= 4) {
        try {
          while (true) {
            out.write(chunk, 0, size);
            out.flush();
          }
        } catch (IOException full) {
          if (!String.valueOf(full.getMessage()).contains("No space left") && !String.valueOf(full.getMessage()).contains("quota")) {
            throw full;
          }
        }
      }
    } catch (IOException closeFailed) {
      if (!String.valueOf(closeFailed.getMessage()).contains("No space left")) {
        throw closeFailed;
      }
    }
  }
}
