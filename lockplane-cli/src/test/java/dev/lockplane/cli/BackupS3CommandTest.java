package dev.lockplane.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Properties;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStoreContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --repo s3://bucket/prefix/}: the backup commands against a real S3-compatible server on the loopback interface. */
class BackupS3CommandTest {
  @TempDir Path tmp;

  @Test
  void createListVerifyRestoreInABucket() throws Exception {
    Properties p = new Properties();
    p.setProperty("jclouds.filesystem.basedir", tmp.resolve("s3").toString());
    try (BlobStoreContext context = ContextBuilder.newBuilder("filesystem").overrides(p).build(BlobStoreContext.class)) {
      context.getBlobStore().createContainerInLocation(null, "backups");
      S3Proxy proxy = S3Proxy.builder().blobStore(context.getBlobStore()).endpoint(URI.create("http://127.0.0.1:0"))
          .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, "cli-test", "cli-test-secret").build();
      proxy.start();
      // the AWS provider chain reads these system properties before the environment
      System.setProperty("aws.accessKeyId", "cli-test");
      System.setProperty("aws.secretAccessKey", "cli-test-secret");
      try {
        while (!"STARTED".equals(proxy.getState())) {
          Thread.sleep(20);
        }
        Path db = tmp.resolve("app.db");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement()) {
          s.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)");
          s.execute("INSERT INTO t VALUES (1, 'one'), (2, 'two')");
        }
        String keys = tmp.resolve("keys.json").toString();
        assertThat(BackupCommandTest.run("keys", "generate", "--out", keys).code()).isZero();
        String repo = "s3://backups/app/?endpoint=http://127.0.0.1:" + proxy.getPort() + "&region=us-east-1&pathStyle=true";

        BackupCommandTest.Run created = BackupCommandTest.run("create", "--repo", repo, "--keyset", keys, "--sqlite", db.toString());
        assertThat(created.code()).as(created.err()).isZero();
        String id = created.out().trim();
        assertThat(BackupCommandTest.run("list", "--repo", repo).out()).contains(id, "sqlite");
        BackupCommandTest.Run verify = BackupCommandTest.run("verify", "--repo", repo, "--keyset", keys, id, "--depth", "data");
        assertThat(verify.code()).as(verify.out() + verify.err()).isZero();
        assertThat(verify.out()).startsWith("OK ");
        Path restored = tmp.resolve("restored.db");
        BackupCommandTest.Run restore = BackupCommandTest.run("restore", "--repo", repo, "--keyset", keys, id, "--to-file", restored.toString());
        assertThat(restore.code()).as(restore.err()).isZero();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + restored); Statement s = c.createStatement();
            ResultSet rs = s.executeQuery("SELECT group_concat(v, ',') FROM t")) {
          rs.next();
          assertThat(rs.getString(1)).isEqualTo("one,two");
        }

        BackupCommandTest.Run missing = BackupCommandTest.run("list", "--repo",
            "s3://nowhere/?endpoint=http://127.0.0.1:" + proxy.getPort() + "&pathStyle=true");
        assertThat(missing.code()).isNotZero();
        assertThat(missing.err()).contains("the bucket 'nowhere' does not exist").doesNotContain("cli-test-secret");
        assertThat(Files.exists(tmp.resolve("s3/nowhere"))).isFalse();
      } finally {
        System.clearProperty("aws.accessKeyId");
        System.clearProperty("aws.secretAccessKey");
        proxy.stop();
      }
    }
  }
}
