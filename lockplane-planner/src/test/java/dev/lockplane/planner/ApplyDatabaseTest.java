package dev.lockplane.planner;

import dev.lockplane.postgres.LocalPostgres;
import dev.lockplane.testing.SharedPostgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Locale;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/** Apply tests: a planner on the shared server and a fresh, empty database per test, dropped after it. */
abstract class ApplyDatabaseTest {
  final LocalPostgres pg = SharedPostgres.get();
  final Planner planner = Lockplane.planner().scratchServer(pg).build();
  String db;

  @BeforeEach
  void createDatabase() throws Exception {
    db = getClass().getSimpleName().toLowerCase(Locale.ROOT) + "_" + Long.toHexString(System.nanoTime());
    PlannerCorpusTest.exec(pg, "CREATE DATABASE " + db + " TEMPLATE template0");
  }

  @AfterEach
  void dropDatabase() throws Exception {
    PlannerCorpusTest.exec(pg, "DROP DATABASE IF EXISTS " + db + " WITH (FORCE)");
  }

  /** Returns the single number a query on the test's database gives. */
  long count(String query) throws Exception {
    try (Connection c = pg.connect(db); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(query)) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
