package dev.lockplane.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.lockplane.ErrorCode;
import dev.lockplane.LockplaneException;
import dev.lockplane.postgres.LocalPostgres;
import java.net.URI;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Backups kept in a bucket of a real S3-compatible server: backup, list, verify and restore straight from it. */
class S3RepositoryTest {
  @TempDir static Path tmp;
  private static S3Server server;

  @BeforeAll
  static void start() throws Exception {
    server = new S3Server(tmp.resolve("s3"), "backups");
  }

  @AfterAll
  static void stop() throws Exception {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void logicalBackupRoundTripsThroughTheBucket() throws Exception {
    // a physical backup is ~1,000 objects, slow to push through a test server: physical-specific
    // behaviour is tested on a local repository; here a dump goes through list, verify and restore
    try (LocalPostgres pg15 = LocalPostgres.builder().version(15).start()) {
      assumeTrue(pg15.installation().tool("pg_dump").isPresent() || dev.lockplane.testing.Requirements.strict(),
          "needs pg_dump 15 (apt-get install postgresql-client-15)");
      TestData.createPostgres(pg15, "s3_app", 400);
      Map<String, String> before;
      try (Connection c = pg15.connect("s3_app")) {
        before = TestData.fingerprints(c);
      }
      try (BackupStorage bucket = server.storage("s3://backups/prod/")) {
        BackupRepository repo = BackupRepository.on(bucket).encryptWith(Keyset.generate()).open();
        Backup b = repo.backup().logical(pg15, "s3_app").tag("s3").run();
        assertThat(repo.list()).extracting(Backup::id).containsExactly(b.id());
        assertThat(bucket.list("backups/" + b.id() + "/")).contains("backups/" + b.id() + "/manifest.json")
            .noneMatch(k -> k.contains("/lease/"));

        VerifyReport data = repo.verify(b.id(), VerifyDepth.DATA);
        assertThat(data.problems()).isEmpty();
        assertThat(data.plaintextChecked()).isTrue();

        repo.restore(b.id()).intoDatabase(pg15, "s3_app_restored");
        try (Connection c = pg15.connect("s3_app_restored")) {
          assertThat(TestData.fingerprints(c)).isEqualTo(before);
        }
      }
    }
  }

  @Test
  void sqliteBackupThroughAnS3LocationUri() throws Exception {
    Path db = tmp.resolve("app.db");
    TestData.createSqlite(db, 500);
    Map<String, String> before = TestData.sqliteFingerprints(db);
    // credentials from the standard AWS chain (system properties here), the rest from the URI
    System.setProperty("aws.accessKeyId", S3Server.ACCESS_KEY);
    System.setProperty("aws.secretAccessKey", S3Server.SECRET_KEY);
    try {
      URI location = URI.create("s3://backups/sqlite/?endpoint=" + server.endpoint() + "&region=us-east-1&pathStyle=true");
      Backup b;
      try (BackupRepository repo = BackupRepository.at(location).unencrypted().open()) {
        b = repo.backup().sqlite(db).run();
        assertThat(repo.verify(b.id(), VerifyDepth.DATA).problems()).isEmpty();
      }
      try (BackupRepository again = BackupRepository.at(location).unencrypted().open()) {
        assertThat(again.list()).extracting(Backup::id).containsExactly(b.id());
        assertThat(again.storage().describe()).isEqualTo("s3://backups/sqlite/ at " + server.endpoint());
        Path restored = again.restore(b.id()).toFile(tmp.resolve("restored.db"));
        assertThat(TestData.sqliteFingerprints(restored)).isEqualTo(before);
      }
    } finally {
      System.clearProperty("aws.accessKeyId");
      System.clearProperty("aws.secretAccessKey");
    }
  }

  @Test
  void badLocationsAreRefused() {
    assertThatThrownBy(() -> BackupRepository.at(URI.create("s3://backups/x?secret=abc")))
        .isInstanceOf(LockplaneException.class).hasMessageContaining("Unknown parameter 'secret'")
        .satisfies(e -> assertThat(((LockplaneException) e).code()).isEqualTo(ErrorCode.INVALID_CONFIGURATION));
    assertThatThrownBy(() -> BackupRepository.at(URI.create("s3://key:secret@backups/x")))
        .isInstanceOf(LockplaneException.class).hasMessageContaining("carries credentials").hasMessageNotContaining("secret@");
    assertThatThrownBy(() -> BackupRepository.at(URI.create("ftp://host/x"))).hasMessageContaining("not a 'ftp:' URI");
    assertThatThrownBy(() -> BackupStorage.s3(URI.create("s3://b/")).region("a").region("b"))
        .hasMessageContaining("region was already set");
  }
}
