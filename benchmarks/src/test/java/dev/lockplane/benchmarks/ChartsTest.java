package dev.lockplane.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The charts render headless from small fixed CSV files into PNGs of the expected size. */
class ChartsTest {
  @TempDir
  Path dir;

  @BeforeAll
  static void headless() {
    System.setProperty("java.awt.headless", "true");
  }

  @Test
  void testkitOverheadChartDecodesAtItsSize() throws IOException {
    Path csv = write("testkit-ext4.csv", "fs,golden_mb,suite,suite_s,overhead_p50_ms,overhead_p95_ms,handout_p50_ms,handout_p95_ms",
        "ext4,10,shared,3.2,0,0,0.25,4.4", "ext4,10,DATABASE,20.0,80.5,300.1,80.0,301.0",
        "ext4,10,TRANSACTION,4.0,-0.2,1.0,1.1,2.0", "ext4,10,zonky,50.0,190.0,400.0,189.0,401.0",
        "ext4,170,DATABASE,30.0,120.0,500.0,119.0,499.0", "ext4,170,zonky,90.0,390.0,900.0,389.0,899.0");
    assertPng(Charts.testkitOverhead(csv, dir.resolve("images/testkit-overhead.png")));
    assertPng(Charts.testkitOverhead(csv, dir.resolve("images/testkit-overhead-p95.png"), 95));
  }

  @Test
  void cloneAndSafeRewriteChartsDecodeAtTheirSize() throws IOException {
    Path db = write("database-clones.csv", "filesystem,golden_mb,strategy,create_p50_ms,create_p95_ms,reset_p50_ms,reset_p95_ms,"
            + "destroy_p50_ms,destroy_p95_ms",
        "default (ext4),10,FILE_CLONE,100,190,130,900,11,130", "default (ext4),1024,FILE_CLONE,1094,2356,1450,2292,151,946",
        "xfs reflink (loop),10,FILE_CLONE (reflink),19.9,140,32,88,11,20", "xfs reflink (loop),1024,FILE_CLONE (reflink),65,5421,70,138,18,32");
    Path instance = write("instance-clones.csv", "storage,golden_mb,create_p50_ms,create_p95_ms,reset_p50_ms,reset_p95_ms",
        "zfs,100,900,1000,800,900", "zfs,1000,950,1100,850,950", "copy,100,1200,1300,1100,1200", "copy,1000,6000,6500,5800,6100");
    assertPng(Charts.cloneTimes(db, instance, dir.resolve("clone-times.png")));
    Path safe = write("safe-rewrite.csv", "change,variant,writes_blocked_ms,reads_blocked_ms",
        "CHECK,naive,812.5,0", "CHECK,safe,1.2,0", "index,naive,4021.0,0", "index,safe,0,0");
    assertPng(Charts.safeRewrite(safe, dir.resolve("safe-rewrite.png")));
  }

  @Test
  void aMalformedRowIsRejectedWithItsFile() throws IOException {
    Path csv = write("bad.csv", "storage,golden_mb,create_p50_ms", "zfs,100");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> BenchResults.read(csv))
        .isInstanceOf(IOException.class).hasMessageContaining("bad.csv").hasMessageContaining("2 fields");
  }

  private Path write(String name, String header, String... rows) throws IOException {
    Path f = dir.resolve(name);
    Files.write(f, List.of(header));
    Files.write(f, List.of(rows), java.nio.file.StandardOpenOption.APPEND);
    return f;
  }

  private static void assertPng(Path png) throws IOException {
    BufferedImage image = ImageIO.read(png.toFile());
    assertThat(image).as("a PNG that decodes: " + png).isNotNull();
    assertThat(image.getWidth()).isEqualTo(Charts.WIDTH);
    assertThat(image.getHeight()).isEqualTo(Charts.HEIGHT);
  }
}
