package dev.lockplane.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import dev.lockplane.LockplaneException;
import dev.lockplane.postgres.LocalPostgres;
import dev.lockplane.testing.LogCapture;
import dev.lockplane.testing.SharedPostgres;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;


/** A password given to the backup library never comes back in an exception (or its causes) nor in a log record. */
class SecretsTest {
  static final String SECRET = "Zq7-hunter2-Xy9";
  @TempDir Path tmp;
  // every record of Lockplane's own loggers, and what any other library logs at the default level
  @RegisterExtension final LogCapture logs = new LogCapture();

  /** The failure's whole printed form: message, every cause's and suppressed exception's message. */
  private static String printed(Throwable t) {
    StringWriter w = new StringWriter();
    t.printStackTrace(new PrintWriter(w));
    return w.toString();
  }

  private static Throwable failure(Supplier<?> action) {
    Throwable t = catchThrowable(action::get);
    assertThat(t).as("the probe fails").isInstanceOf(LockplaneException.class);
    return t;
  }

  private void assertNoSecretAnywhere(List<Throwable> failures) {
    List<String> texts = new ArrayList<>();
    for (Throwable t : failures) {
      texts.add(printed(t));
      for (Throwable c = t; c != null; c = c.getCause()) {
        texts.add(String.valueOf(c.getMessage()));
      }
    }
    for (LogRecord r : logs.records()) {
      texts.add(new java.util.logging.SimpleFormatter().format(r));
    }
    assertThat(texts).noneSatisfy(s -> assertThat(s).contains(SECRET));
  }

  @Test
  void compareNeverEchoesThePassword() throws Exception {
    Path db = tmp.resolve("app.db");
    TestData.createSqlite(db, 50);
    BackupRepository repo = BackupRepository.at(tmp.resolve("repo")).unencrypted().open();
    Backup b = repo.backup().sqlite(db).run();
    LocalPostgres pg = SharedPostgres.get();
    String live = "//" + pg.host() + ":" + pg.port() + "/postgres";
    List<Throwable> failures = new ArrayList<>();
    // a misspelt driver: the driver manager names the whole URL
    failures.add(failure(() -> repo.compare(b.id(), "jdbc:postgresq:" + live + "?user=" + pg.user() + "&password=" + SECRET,
        null, null, null)));
    // a broken URL (port is not a number)
    failures.add(failure(() -> repo.compare(b.id(), "jdbc:postgresql://" + pg.host() + ":notaport/postgres?password=" + SECRET,
        null, null, null)));
    // nobody listens there
    failures.add(failure(() -> repo.compare(b.id(), "postgres://" + pg.user() + ":" + SECRET + "@127.0.0.1:1/postgres",
        null, null, null)));
    // the right server, the wrong password, in the URL and given apart
    failures.add(failure(() -> repo.compare(b.id(), "jdbc:postgresql:" + live + "?password=" + SECRET, pg.user(), null, null)));
    failures.add(failure(() -> repo.compare(b.id(), "jdbc:postgresql:" + live, pg.user(), SECRET, null)));
    failures.add(failure(() -> repo.compare(b.id(), "postgresql://" + pg.user() + ":" + SECRET + "@" + pg.host() + ":"
        + pg.port() + "/postgres", null, null, null)));
    for (Throwable t : failures) {
      assertThat(t).isInstanceOf(BackupException.class).hasMessageContaining("Cannot compare backup " + b.id());
    }
    assertThat(failures.get(0).getMessage()).contains("password=***");
    assertThat(failures.get(2).getMessage()).contains(pg.user() + ":***@127.0.0.1:1");
    assertThat(failures.get(3).getMessage()).containsIgnoringCase("password authentication failed");
    assertNoSecretAnywhere(failures);
    assertThat(logs.records()).as("the probes were logged at all").isNotNull();
  }

  @Test
  void aWrongPassphraseOrKeysetIsNeverEchoed() throws Exception {
    Path file = tmp.resolve("keys.json");
    Keyset keys = Keyset.generate();
    keys.writeTo(file, "the right passphrase".toCharArray());
    List<Throwable> failures = new ArrayList<>();
    failures.add(failure(() -> Keyset.fromFile(file, SECRET.toCharArray())));
    Path db = tmp.resolve("app.db");
    TestData.createSqlite(db, 20);
    Backup b = BackupRepository.at(tmp.resolve("repo")).encryptWith(keys).open().backup().sqlite(db).run();
    BackupRepository other = BackupRepository.at(tmp.resolve("repo")).encryptWith(Keyset.generate()).open();
    failures.add(failure(() -> other.restore(b.id()).toFile(tmp.resolve("r.db"))));
    String keyJson = keys.toJson(null);
    assertThat(keys.toString()).doesNotContain(keyJson);
    for (Throwable t : failures) {
      assertThat(printed(t)).doesNotContain(keyJson).doesNotContain("right passphrase");
    }
    assertNoSecretAnywhere(failures);
  }

  @Test
  void backupAndRestoreFailuresNeverEchoThePassword() throws Exception {
    LocalPostgres pg15 = LocalPostgres.builder().version(15).start();
    try {
      assumeTrue(pg15.installation().tool("pg_dump").isPresent() || dev.lockplane.testing.Requirements.strict(),
          "needs pg_dump 15 (apt-get install postgresql-client-15)");
      BackupRepository repo = BackupRepository.at(tmp.resolve("repo")).encryptWith(Keyset.generate()).open();
      List<Throwable> failures = new ArrayList<>();
      // a database name that reads as a connection string: the driver's error quotes it
      failures.add(failure(() -> repo.backup().logical(pg15, "app password=" + SECRET).run()));
      assertThat(failures.get(0)).isInstanceOf(BackupException.class).hasMessageContaining("password=***");
      assertNoSecretAnywhere(failures);
    } finally {
      pg15.close();
    }
  }
}
