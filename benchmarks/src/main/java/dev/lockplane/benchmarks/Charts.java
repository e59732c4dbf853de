package dev.lockplane.benchmarks;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.io.IOException;
import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.util.Locale;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * Draws the benchmarks' results as PNG charts for the docs, from the CSV files the benchmarks
 * write ({@link BenchResults}), with JFreeChart, headless:
 *
 * <ul>
 *   <li>{@code testkit-overhead.png} and {@code testkit-overhead-p95.png}: per-test overhead (p50,
 *       p95) by golden size, Lockplane and each peer ({@code testkit-ext4.csv} from {@link JUnitSideBySide});
 *   <li>{@code clone-times.png}: clone create time against golden size, database-level and
 *       instance-level clones ({@code database-clones.csv}, {@code instance-clones.csv});
 *   <li>{@code safe-rewrite.png}: writes blocked, naive against safe form ({@code safe-rewrite.csv}).
 * </ul>
 *
 * A chart whose CSV is missing is skipped with a note.
 *
 * <pre>
 * java -Djava.awt.headless=true -cp benchmarks/target/lockplane-benchmarks.jar dev.lockplane.benchmarks.Charts \
 *     [benchmarks/results] [docs/images]
 * </pre>
 */
public final class Charts {
  static final int WIDTH = 900;
  static final int HEIGHT = 520;
  /** Distinct on white and for the common colour blindnesses (Okabe–Ito), then two greys. */
  private static final Color[] PALETTE = {new Color(0xD55E00), new Color(0x0072B2), new Color(0x009E73), new Color(0xCC79A7),
      new Color(0xE69F00), new Color(0x56B4E9), new Color(0x000000), new Color(0xF0E442), Color.GRAY, Color.DARK_GRAY};

  private Charts() {}

  /**
   * Draws every chart whose results exist.
   *
   * @param args the results directory (default {@code benchmarks/results}) and the images
   *     directory (default {@code docs/images})
   * @throws IOException if a file cannot be read or written
   */
  public static void main(String[] args) throws IOException {
    System.setProperty("java.awt.headless", "true");
    Path results = Path.of(args.length > 0 ? args[0] : "benchmarks/results");
    Path images = Path.of(args.length > 1 ? args[1] : "docs/images");
    Files.createDirectories(images);
    draw(results.resolve("testkit-ext4.csv"), () -> testkitOverhead(results.resolve("testkit-ext4.csv"), images.resolve("testkit-overhead.png")));
    draw(results.resolve("testkit-ext4.csv"), () -> testkitOverhead(results.resolve("testkit-ext4.csv"),
        images.resolve("testkit-overhead-p95.png"), 95));
    draw(results.resolve("database-clones.csv"), () -> cloneTimes(results.resolve("database-clones.csv"),
        results.resolve("instance-clones.csv"), images.resolve("clone-times.png")));
    draw(results.resolve("safe-rewrite.csv"), () -> safeRewrite(results.resolve("safe-rewrite.csv"), images.resolve("safe-rewrite.png")));
  }

  private interface Drawing {
    Path draw() throws IOException;
  }

  private static void draw(Path csv, Drawing d) throws IOException {
    if (!Files.exists(csv)) {
      System.out.println("no " + csv + ": run its benchmark first; chart skipped");
      return;
    }
    System.out.println("chart: " + d.draw());
  }

  /**
   * Per-test overhead against a shared database (p50) by golden size, one line per way of isolating.
   *
   * @param csv {@code testkit-FS.csv}
   * @param png the image to write
   * @return the image
   * @throws IOException if a file cannot be read or written
   */
  static Path testkitOverhead(Path csv, Path png) throws IOException {
    return testkitOverhead(csv, png, 50);
  }

  /**
   * Per-test overhead at a percentile (50 or 95) by golden size, one line a suite.
   *
   * @param csv {@code testkit-FS.csv}
   * @param png where to write the chart
   * @param percentile 50 or 95
   * @return the chart file
   * @throws IOException if a file cannot be read or written
   */
  static Path testkitOverhead(Path csv, Path png, int percentile) throws IOException {
    XYSeriesCollection data = new XYSeriesCollection();
    for (Map<String, String> row : BenchResults.read(csv)) {
      if (row.get("suite").equals("shared")) {
        continue;
      }
      // a log axis cannot show zero or less: an overhead at the baseline's is drawn at 0.01 ms
      double ms = Math.max(0.01, Double.parseDouble(row.get("overhead_p" + percentile + "_ms")));
      series(data, label(row.get("suite"))).add(Double.parseDouble(row.get("golden_mb")), ms);
    }
    String p = "p" + percentile;
    JFreeChart chart = ChartFactory.createXYLineChart("Per-test overhead vs a shared database (" + p + "), 200 short tests",
        "golden size (MB)", "overhead per test, " + p + " (ms, log scale)", data, PlotOrientation.VERTICAL, true, false, false);
    logY(chart, "overhead per test, " + p + " (ms, log scale)");
    return save(chart, png);
  }

  /**
   * Clone create time (p50) against golden size: database-level clones per filesystem and strategy,
   * and instance-level clones per storage.
   *
   * @param databaseCsv {@code database-clones.csv}
   * @param instanceCsv {@code instance-clones.csv}, or a missing file
   * @param png the image to write
   * @return the image
   * @throws IOException if a file cannot be read or written
   */
  static Path cloneTimes(Path databaseCsv, Path instanceCsv, Path png) throws IOException {
    XYSeriesCollection data = new XYSeriesCollection();
    for (Map<String, String> row : BenchResults.read(databaseCsv)) {
      series(data, "database: " + row.get("filesystem") + ", " + row.get("strategy"))
          .add(Double.parseDouble(row.get("golden_mb")), Double.parseDouble(row.get("create_p50_ms")));
    }
    if (Files.exists(instanceCsv)) {
      for (Map<String, String> row : BenchResults.read(instanceCsv)) {
        series(data, "instance: " + row.get("storage"))
            .add(Double.parseDouble(row.get("golden_mb")), Double.parseDouble(row.get("create_p50_ms")));
      }
    }
    JFreeChart chart = ChartFactory.createXYLineChart("Clone create time against golden size (p50)",
        "golden size (MB)", "create, p50 (ms, log scale)", data, PlotOrientation.VERTICAL, true, false, false);
    logY(chart, "create, p50 (ms, log scale)");
    return save(chart, png);
  }

  /**
   * How long writes stay blocked, the naive form of each change against its safe rewrite.
   *
   * @param csv {@code safe-rewrite.csv}
   * @param png the image to write
   * @return the image
   * @throws IOException if a file cannot be read or written
   */
  static Path safeRewrite(Path csv, Path png) throws IOException {
    DefaultCategoryDataset data = new DefaultCategoryDataset();
    for (Map<String, String> row : BenchResults.read(csv)) {
      data.addValue(Double.parseDouble(row.get("writes_blocked_ms")), row.get("variant"), row.get("change"));
    }
    JFreeChart chart = ChartFactory.createBarChart("Writes blocked: naive change vs its safe rewrite",
        "change", "writes blocked (ms)", data, PlotOrientation.VERTICAL, true, false, false);
    CategoryPlot plot = chart.getCategoryPlot();
    plot.setBackgroundPaint(Color.WHITE);
    plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
    plot.getRenderer().setSeriesPaint(0, PALETTE[0]);
    plot.getRenderer().setSeriesPaint(1, PALETTE[2]);
    return save(chart, png);
  }

  private static XYSeries series(XYSeriesCollection data, String key) {
    for (Object s : data.getSeries()) {
      if (((XYSeries) s).getKey().equals(key)) {
        return (XYSeries) s;
      }
    }
    XYSeries s = new XYSeries(key);
    data.addSeries(s);
    return s;
  }

  private static String label(String suite) {
    return switch (suite) {
      case "zonky" -> "zonky embedded-database-spring-test";
      case "RECYCLE" -> "@LockplaneTest DATABASE, recycled";
      case "DISK" -> "@LockplaneTest DATABASE, clones on disk";
      case "pg-embedded" -> "pg-embedded multi-database";
      default -> "@LockplaneTest " + suite;
    };
  }

  private static void logY(JFreeChart chart, String label) {
    XYPlot plot = chart.getXYPlot();
    LogAxis y = new LogAxis(label);
    y.setSmallestValue(0.01);
    // one tick a decade, as plain numbers: 0.1, 1, 10, 100, 1,000 ms
    y.setAutoTickUnitSelection(false);
    y.setTickUnit(new NumberTickUnit(1.0));
    y.setNumberFormatOverride(new DecimalFormat("#,##0.##", DecimalFormatSymbols.getInstance(Locale.ROOT)));
    y.setLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
    plot.setRangeAxis(y);
    ((NumberAxis) plot.getDomainAxis()).setAutoRangeIncludesZero(true);
    XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(true, true);
    for (int i = 0; i < plot.getDataset().getSeriesCount(); i++) {
      r.setSeriesStroke(i, new BasicStroke(2.2f));
      r.setSeriesPaint(i, PALETTE[i % PALETTE.length]);
    }
    plot.setRenderer(r);
    plot.setBackgroundPaint(Color.WHITE);
    plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
    plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
  }

  private static Path save(JFreeChart chart, Path png) throws IOException {
    chart.setBackgroundPaint(Color.WHITE);
    Files.createDirectories(png.toAbsolutePath().getParent());
    ChartUtils.saveChartAsPNG(png.toFile(), chart, WIDTH, HEIGHT);
    return png;
  }
}
