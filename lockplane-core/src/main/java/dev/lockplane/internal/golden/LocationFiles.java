package dev.lockplane.internal.golden;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Enumeration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * The files below Flyway locations, by name and SHA-256. Flyway's checksums cover migrations but
 * not callbacks ({@code afterMigrate.sql}, ...); listing every file of the locations lets a changed
 * callback build a new golden too. Locations it cannot list (a scheme other than a directory or a
 * jar) are left to Flyway's checksums alone.
 */
final class LocationFiles {
  private LocationFiles() {}

  /** One line per file, sorted: {@code location/relative/path sha256}. */
  static String list(List<String> locations, ClassLoader cl) {
    Map<String, String> files = new TreeMap<>();
    for (String location : locations) {
      if (location.startsWith("filesystem:")) {
        directory(location, Path.of(location.substring("filesystem:".length())), files);
      } else {
        String path = location.startsWith("classpath:") ? location.substring("classpath:".length()) : location;
        path = path.replaceAll("^/+", "").replaceAll("/+$", "");
        try {
          Enumeration<URL> roots = cl.getResources(path);
          while (roots.hasMoreElements()) {
            classpathRoot(location, path, roots.nextElement(), files);
          }
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
    }
    StringBuilder sb = new StringBuilder();
    files.forEach((name, hash) -> sb.append(name).append(' ').append(hash).append('\n'));
    return sb.toString();
  }

  private static void classpathRoot(String location, String path, URL root, Map<String, String> files) throws IOException {
    if ("file".equals(root.getProtocol())) {
      try {
        directory(location, Path.of(root.toURI()), files);
      } catch (URISyntaxException e) {
        // an unusual URL: Flyway's checksums still cover the migrations
      }
    } else if ("jar".equals(root.getProtocol()) && root.openConnection() instanceof JarURLConnection jar) {
      jar.setUseCaches(false);
      try (JarFile file = jar.getJarFile()) {
        for (Enumeration<JarEntry> e = file.entries(); e.hasMoreElements(); ) {
          JarEntry entry = e.nextElement();
          if (!entry.isDirectory() && entry.getName().startsWith(path + "/")) {
            try (InputStream in = file.getInputStream(entry)) {
              files.put(location + "/" + entry.getName().substring(path.length() + 1), sha256(in));
            }
          }
        }
      }
    }
  }

  private static void directory(String location, Path dir, Map<String, String> files) {
    if (!Files.isDirectory(dir)) {
      return; // Flyway reports a location it cannot resolve
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path f : walk.filter(Files::isRegularFile).toList()) {
        try (InputStream in = Files.newInputStream(f)) {
          files.put(location + "/" + dir.relativize(f).toString().replace('\\', '/'), sha256(in));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String sha256(InputStream in) throws IOException {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      byte[] buf = new byte[8192];
      for (int n; (n = in.read(buf)) > 0; ) {
        md.update(buf, 0, n);
      }
      return HexFormat.of().formatHex(md.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
