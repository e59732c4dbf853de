package dev.lockplane.clones;

import static dev.lockplane.clones.DatabaseClonesTest.count;
import static dev.lockplane.clones.DatabaseClonesTest.exec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lockplane.ErrorCode;
import dev.lockplane.LockplaneException;
import dev.lockplane.clone.Clone;
import dev.lockplane.clone.CloneManager;
import dev.lockplane.clone.Golden;
import dev.lockplane.clone.Script;
import dev.lockplane.clone.Snapshot;
import dev.lockplane.postgres.LocalPostgres;
import dev.lockplane.testing.SharedPostgres;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Persistent database clones: a later manager with the same prefix adopts what an earlier one left. */
class PersistentDatabaseClonesTest {
  private static final Golden ITEMS = Golden.fromScripts(List.of(Script.of("items.sql",
      "CREATE TABLE items (id int PRIMARY KEY); INSERT INTO items SELECT generate_series(1, 10);")));

  private final LocalPostgres pg = SharedPostgres.get();

  private CloneManager start(String prefix, Golden golden) {
    DatabaseClonesBuilder b = CloneManagers.databases(pg).databasePrefix(prefix).persistent(true);
    return (golden == null ? b : b.golden(golden)).start();
  }

  @Test
  void clonesAndSnapshotsOutliveTheirManagerAndAreAdoptedByTheNext() throws Exception {
    String prefix = "p" + UUID.randomUUID().toString().replace("-", "").substring(0, 8) + "_";
    try (CloneManager first = start(prefix, ITEMS)) {
      Clone a = first.create("alice");
      exec(a.dataSource(), "DELETE FROM items WHERE id > 4");
      first.snapshot("four", a);
      first.create("bob");
    }
    // no golden given: the newest golden of the prefix; clones and snapshots are found again
    try (CloneManager second = start(prefix, null)) {
      assertThat(second.list()).extracting(Clone::name).containsExactly("alice", "bob");
      assertThat(second.snapshots()).extracting(Snapshot::name).contains("four");
      Clone a = second.get("alice").orElseThrow();
      assertThat(count(a.dataSource(), "SELECT count(*) FROM items")).isEqualTo(4);
      a.reset();
      assertThat(count(a.dataSource(), "SELECT count(*) FROM items")).isEqualTo(10);
      Snapshot four = second.snapshots().stream().filter(s -> s.name().equals("four")).findFirst().orElseThrow();
      second.create("carol", four);
    }
    try (CloneManager third = start(prefix, null)) {
      Clone c = third.get("carol").orElseThrow();
      assertThat(c.snapshot().name()).isEqualTo("four");
      exec(c.dataSource(), "DELETE FROM items");
      c.reset(); // back to the snapshot it was made from, not to the golden
      assertThat(count(c.dataSource(), "SELECT count(*) FROM items")).isEqualTo(4);
      for (Clone x : third.list()) {
        x.destroy();
      }
      third.destroySnapshot(third.snapshots().stream().filter(s -> s.name().equals("four")).findFirst().orElseThrow());
    }
    try (CloneManager fourth = start(prefix, null)) {
      assertThat(fourth.list()).isEmpty();
      assertThat(fourth.snapshots()).hasSize(1);
    }
    assertThat(count(pg.dataSource("postgres"),
        "SELECT count(*) FROM pg_database WHERE datname LIKE '" + prefix + "%' AND datname NOT LIKE '%golden%'")).isZero();
  }

  @Test
  void withoutAGoldenAPrefixWithNoneIsNotFound() {
    assertThatThrownBy(() -> start("pnone_" + UUID.randomUUID().toString().substring(0, 6).replace("-", ""), null))
        .isInstanceOfSatisfying(LockplaneException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND))
        .hasMessageContaining("No golden database with the prefix");
  }
}
