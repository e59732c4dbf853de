package dev.lockplane.clone;

import java.math.BigInteger;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The order in which the scripts of a directory run: Flyway-style versioned files ({@code
 * V<version>__<description>.sql}, the version's parts separated by {@code .} or {@code _} and
 * compared as numbers, so {@code V2__} runs before {@code V10__}) first, by version; then every
 * other file, by its path relative to the directory.
 */
final class ScriptOrder implements Comparator<Path> {
  private static final Pattern VERSIONED = Pattern.compile("V(\\d+(?:[._]\\d+)*)__.*");

  private final Path root;

  ScriptOrder(Path root) {
    this.root = root;
  }

  @Override
  public int compare(Path a, Path b) {
    BigInteger[] va = version(a);
    BigInteger[] vb = version(b);
    if (va != null && vb != null) {
      int byVersion = compareVersions(va, vb);
      if (byVersion != 0) {
        return byVersion;
      }
    } else if (va != null) {
      return -1;
    } else if (vb != null) {
      return 1;
    }
    return relative(a).compareTo(relative(b));
  }

  private String relative(Path p) {
    return root.relativize(p).toString().replace('\\', '/');
  }

  /** The version parts of a versioned file's name, or null for a file that is not versioned. */
  static BigInteger[] version(Path file) {
    Matcher m = VERSIONED.matcher(file.getFileName().toString());
    if (!m.matches()) {
      return null;
    }
    String[] parts = m.group(1).split("[._]");
    BigInteger[] out = new BigInteger[parts.length];
    for (int i = 0; i < parts.length; i++) {
      out[i] = new BigInteger(parts[i]);
    }
    return out;
  }

  /** Compares part by part; a missing part counts as 0, so 1.0 and 1 are the same version. */
  private static int compareVersions(BigInteger[] a, BigInteger[] b) {
    for (int i = 0; i < Math.max(a.length, b.length); i++) {
      BigInteger x = i < a.length ? a[i] : BigInteger.ZERO;
      BigInteger y = i < b.length ? b[i] : BigInteger.ZERO;
      int c = x.compareTo(y);
      if (c != 0) {
        return c;
      }
    }
    return 0;
  }
}
