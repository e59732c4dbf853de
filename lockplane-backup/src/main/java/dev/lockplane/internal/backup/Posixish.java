package dev.lockplane.internal.backup;

import dev.lockplane.internal.os.Posix;
import java.io.IOException;
import java.nio.file.Path;

/** Small filesystem adjustments for directories a server running as another account must reach. */
final class Posixish {
  private Posixish() {}

  /** Lets the server's account traverse a temporary directory created private by the JDK. */
  static void allowTraverse(Path dir) throws IOException {
    if (Posix.isRoot()) {
      Posix.chmod(dir, "rwx--x--x");
    }
  }
}
