package dev.lockplane.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Binaries inside a jar whose name tells no version (a shaded application jar): unpacked once, keyed
 * by content, the version asked of the binaries and remembered.
 */
class UnversionedArchiveTest {
  @Test
  void shadedJarIsUnpackedOnceAndItsVersionRemembered(@TempDir Path tmp) throws Exception {
    Files.setPosixFilePermissions(tmp, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
    URL original = Thread.currentThread().getContextClassLoader().getResource("postgres-linux-x86_64.txz");
    assertThat(original).as("the default binaries artifact on the test classpath").isNotNull();
    Path jar = tmp.resolve("my-app-all.jar");
    try (OutputStream out = Files.newOutputStream(jar); ZipOutputStream zip = new ZipOutputStream(out);
        InputStream in = original.openStream()) {
      zip.putNextEntry(new ZipEntry("postgres-linux-x86_64.txz"));
      in.transferTo(zip);
      zip.closeEntry();
    }
    Path cache = tmp.resolve("cache");
    Path emptyRepo = Files.createDirectories(tmp.resolve("m2"));
    String oldCache = System.getProperty("lockplane.cache");
    ClassLoader oldLoader = Thread.currentThread().getContextClassLoader();
    System.setProperty("lockplane.cache", cache.toString());
    // only the shaded jar: the platform loader as parent hides the versioned artifact
    try (URLClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL()}, ClassLoader.getPlatformClassLoader())) {
      Thread.currentThread().setContextClassLoader(loader);
      try (LocalPostgres pg = LocalPostgres.builder().mavenRepository(emptyRepo).searchMachine(false).start()) {
        assertThat(pg.majorVersion()).isEqualTo(18);
        assertThat(pg.installation().source()).contains("my-app-all.jar");
      }
      List<Path> trees = list(cache.resolve("binaries")).stream().filter(p -> p.getFileName().toString().startsWith("classpath-")).toList();
      assertThat(trees).hasSize(1);
      assertThat(trees.get(0).resolve("lockplane-version")).content().startsWith("18.");
      assertThat(list(cache.resolve("binaries/index"))).hasSize(1);
      // again: same tree, no new unpack
      try (LocalPostgres pg = LocalPostgres.builder().mavenRepository(emptyRepo).searchMachine(false).start()) {
        assertThat(pg.installation().binDirectory()).isEqualTo(trees.get(0).resolve("bin"));
      }
    } finally {
      Thread.currentThread().setContextClassLoader(oldLoader);
      if (oldCache == null) {
        System.clearProperty("lockplane.cache");
      } else {
        System.setProperty("lockplane.cache", oldCache);
      }
    }
  }

  private static List<Path> list(Path dir) throws Exception {
    try (Stream<Path> s = Files.list(dir)) {
      return s.sorted().toList();
    }
  }
}
