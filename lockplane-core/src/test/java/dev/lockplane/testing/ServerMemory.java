package dev.lockplane.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * The shared memory a running PostgreSQL server holds, as the kernel shows it: the System V segment
 * its pid file names and the {@code /dev/shm} segments its processes have mapped.
 *
 * @param segment the System V segment's id
 * @param dynamic the dynamic shared memory segments' files
 */
public record ServerMemory(String segment, Set<Path> dynamic) {

  /**
   * Reads what a running postmaster holds.
   *
   * @param postmasterPid the postmaster's pid (its working directory is its data directory)
   * @return its shared memory
   * @throws IOException when /proc cannot be read
   */
  public static ServerMemory of(long postmasterPid) throws IOException {
    Path data = Files.readSymbolicLink(Path.of("/proc", String.valueOf(postmasterPid), "cwd"));
    String segment = Files.readAllLines(data.resolve("postmaster.pid")).get(6).trim().split("\\s+")[1];
    Set<Path> files = new TreeSet<>();
    ProcessHandle postmaster = ProcessHandle.of(postmasterPid).orElseThrow();
    for (ProcessHandle p : Stream.concat(Stream.of(postmaster), postmaster.descendants()).toList()) {
      try {
        for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(p.pid()), "maps"))) {
          int at = line.indexOf("/dev/shm/PostgreSQL.");
          if (at >= 0) {
            files.add(Path.of(line.substring(at).replace(" (deleted)", "")));
          }
        }
      } catch (IOException gone) {
        // a process that just ended
      }
    }
    return new ServerMemory(segment, files);
  }

  /**
   * The ids of the System V segments that exist.
   *
   * @return their ids
   * @throws IOException when /proc cannot be read
   */
  public static Set<String> segments() throws IOException {
    Set<String> ids = new TreeSet<>();
    List<String> rows = Files.readAllLines(Path.of("/proc/sysvipc/shm"));
    rows.subList(1, rows.size()).forEach(r -> ids.add(r.trim().split("\\s+")[1]));
    return ids;
  }

  /**
   * Whether all of it still exists.
   *
   * @return whether the segment and every dynamic segment exist
   * @throws IOException when /proc cannot be read
   */
  public boolean held() throws IOException {
    return segments().contains(segment) && dynamic.stream().allMatch(Files::exists);
  }

  /**
   * Whether none of it exists any more.
   *
   * @return whether the segment and every dynamic segment are gone
   * @throws IOException when /proc cannot be read
   */
  public boolean released() throws IOException {
    return !segments().contains(segment) && dynamic.stream().noneMatch(Files::exists);
  }
}
