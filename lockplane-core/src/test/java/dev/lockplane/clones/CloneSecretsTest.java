package dev.lockplane.clones;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import dev.lockplane.LockplaneException;
import dev.lockplane.postgres.LocalPostgres;
import dev.lockplane.testing.LogCapture;
import dev.lockplane.testing.SharedPostgres;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;


/** A password given in the URL or as an argument appears in no message, cause and log record. */
class CloneSecretsTest {
  private static final String SECRET = "Zq9sekrit4711";
  @RegisterExtension final LogCapture logs = new LogCapture();

  private void assertNoSecret(Throwable t) {
    assertThat(t).as("an exception").isNotNull();
    List<String> texts = new ArrayList<>();
    for (Throwable c = t; c != null; c = c.getCause()) {
      texts.add(c.toString());
      for (Throwable s : c.getSuppressed()) {
        texts.add(s.toString());
      }
    }
    for (LogRecord r : logs.records()) {
      texts.add(new java.util.logging.SimpleFormatter().format(r));
      texts.add(String.valueOf(r.getMessage()));
    }
    assertThat(texts).as("messages, causes and log records").noneMatch(x -> x.contains(SECRET));
  }

  @Test
  void unparsableUrls() {
    Throwable t = catchThrowable(() -> CloneManagers.databases(
        "jdbc:postgresql://db.example:notaport/postgres?password=" + SECRET, "u", SECRET).start());
    assertThat(t).isInstanceOf(LockplaneException.class).hasMessageContaining("password=***")
        .hasMessageContaining("not a valid PostgreSQL JDBC URL");
    assertNoSecret(t);
    t = catchThrowable(() -> CloneManagers.databases("jdbc:mysql://db.example/app?password=" + SECRET, "u", SECRET).start());
    assertThat(t).hasMessageContaining("not a PostgreSQL JDBC URL");
    assertNoSecret(t);
    t = catchThrowable(() -> CloneManagers.orphans("postgres://u:" + SECRET + "@db.example/app", "u", SECRET));
    assertThat(t).hasMessageContaining("not a PostgreSQL JDBC URL");
    assertNoSecret(t);
  }

  @Test
  void refusedConnection() {
    String url = "jdbc:postgresql://127.0.0.1:1/postgres?connectTimeout=5&password=" + SECRET;
    Throwable t = catchThrowable(() -> CloneManagers.databases(url, "u", SECRET).start());
    assertThat(t).isInstanceOf(LockplaneException.class).hasMessageContaining("127.0.0.1:1")
        .hasMessageContaining("Check that the server runs");
    assertNoSecret(t);
    t = catchThrowable(() -> CloneManagers.orphans(url, "u", SECRET).list());
    assertThat(t).isInstanceOf(LockplaneException.class).hasMessageContaining("orphaned clones");
    assertNoSecret(t);
  }

  @Test
  void wrongPassword() {
    LocalPostgres pg = SharedPostgres.get();
    String url = pg.jdbcUrl("postgres") + "?ApplicationName=secrets&password=" + SECRET;
    Throwable t = catchThrowable(() -> CloneManagers.databases(url, pg.user(), SECRET).start());
    assertThat(t).isInstanceOf(LockplaneException.class).hasMessageContaining("password authentication failed")
        .hasMessageContaining("Check the user and password");
    assertNoSecret(t);
    t = catchThrowable(() -> CloneManagers.orphans(url, pg.user(), SECRET).removeAll());
    assertThat(t).isInstanceOf(LockplaneException.class);
    assertNoSecret(t);
  }
}
