package dev.lockplane.testkit;

import static dev.lockplane.testkit.Db.count;
import static dev.lockplane.testkit.Db.exec;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lockplane.clone.Clone;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.RepeatedTest;

/**
 * Server-wide state — roles, settings — does not leak between tests when each has a server of its
 * own: every repetition finds no role created by another one, and a server setting at its default.
 */
@LockplaneTest(scripts = "db/shop.sql", isolation = Isolation.INSTANCE, pool = 1)
class InstanceIsolationTest {
  private static final Set<String> clones = ConcurrentHashMap.newKeySet();

  @RepeatedTest(3)
  void rolesAndSettingsArePrivate(DataSource db, Clone clone) throws Exception {
    clones.add(clone.name());
    assertThat(count(db, "SELECT count(*) FROM pg_roles WHERE rolname LIKE 'lp_test_role_%'")).isZero();
    assertThat(count(db, "SELECT count(*) FROM pg_settings WHERE name = 'work_mem' AND setting = '65536'")).isZero();
    assertThat(count(db, "SELECT count(*) FROM orders")).isEqualTo(200);
    exec(db, "CREATE ROLE lp_test_role_" + Math.abs(clone.name().hashCode()));
    exec(db, "ALTER SYSTEM SET work_mem = '64MB'");
    exec(db, "SELECT pg_reload_conf()");
  }

  @AfterAll
  static void eachTestHadItsOwnServer() {
    // a clone (and so a server) per test
    assertThat(clones).hasSize(3);
  }
}
