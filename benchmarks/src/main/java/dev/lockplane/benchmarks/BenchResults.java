package dev.lockplane.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The benchmarks' results as small CSV files (no quoting: fields never hold commas), in the
 * directory given by {@code -Dlockplane.bench.results} (default {@code benchmarks/results}), for
 * {@link Charts} to draw.
 */
final class BenchResults {
  private BenchResults() {}

  static Path dir() {
    return Path.of(System.getProperty("lockplane.bench.results", "benchmarks/results"));
  }

  static Path write(String name, String header, List<String> rows) throws IOException {
    Files.createDirectories(dir());
    List<String> lines = new ArrayList<>();
    lines.add(header);
    lines.addAll(rows);
    Path file = dir().resolve(name);
    Files.write(file, lines);
    System.out.println("results: " + file.toAbsolutePath());
    return file;
  }

  static String field(String text) {
    return text.replace(',', ';');
  }

  static List<Map<String, String>> read(Path file) throws IOException {
    List<String> lines = Files.readAllLines(file);
    String[] header = lines.get(0).split(",");
    List<Map<String, String>> rows = new ArrayList<>();
    for (String line : lines.subList(1, lines.size())) {
      if (line.isBlank()) {
        continue;
      }
      String[] f = line.split(",", -1);
      if (f.length != header.length) {
        throw new IOException(file + ": a row has " + f.length + " fields, the header " + header.length + ": " + line);
      }
      Map<String, String> row = new LinkedHashMap<>();
      for (int i = 0; i < header.length; i++) {
        row.put(header[i], f[i]);
      }
      rows.add(row);
    }
    return rows;
  }
}
