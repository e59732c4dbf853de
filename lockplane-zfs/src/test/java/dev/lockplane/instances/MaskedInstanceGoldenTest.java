package dev.lockplane.instances;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lockplane.ErrorCode;
import dev.lockplane.LockplaneException;
import dev.lockplane.clone.Golden;
import dev.lockplane.clone.Script;
import dev.lockplane.golden.FakeKind;
import dev.lockplane.golden.MaskRule;
import dev.lockplane.golden.Masking;
import dev.lockplane.golden.MaskingKey;
import dev.lockplane.golden.Subset;
import dev.lockplane.storage.CowStorage;
import dev.lockplane.storage.CowStorages;
import dev.lockplane.testing.ProductionServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A masked instance-level golden: its snapshot is a whole data directory, WAL included, so no byte
 * of any file in it — nor in a clone's — may hold an original value.
 */
class MaskedInstanceGoldenTest {
  private static final String CANARY = "QZXCANARY";

  @TempDir Path work;

  private Golden golden(Path keyFile) {
    Golden source = Golden.fromScripts(List.of(Script.of("people.sql", """
        CREATE TABLE people (id int PRIMARY KEY, email text UNIQUE NOT NULL, full_name text, card text,
          note text, kept text);
        CREATE INDEX ON people (full_name);
        INSERT INTO people SELECT g, 'p' || g || '.QZXCANARY@corp.example', 'QZXCANARY Person ' || g,
          '4111QZXCANARY' || g, repeat('QZXCANARY long note ', 200) || g, 'kept ' || g
          FROM generate_series(1, 2000) g;
        UPDATE people SET full_name = full_name || ' (QZXCANARY updated)' WHERE id % 3 = 0;
        ANALYZE people;
        """)));
    return source.subset(Subset.builder().where("people", "id <= 1500").build()).masked(Masking.builder().key(MaskingKey.file(keyFile))
        .rule("people", "id", MaskRule.hash())
        .rule("people", "email", MaskRule.fake(FakeKind.EMAIL))
        .rule("people", "full_name", MaskRule.fake(FakeKind.FULL_NAME))
        .rule("people", "card", MaskRule.fake(FakeKind.CREDIT_CARD))
        .rule("people", "note", MaskRule.setNull())
        .build());
  }

  @Test
  void noFileOfTheGoldenOrOfACloneHoldsAnOriginalValueNotEvenTheWal() throws Exception {
    Path keyFile = work.resolve("mask.key");
    Files.writeString(keyFile, "instance-key-0123456789");
    dev.lockplane.internal.os.Posix.chmod(work, "rwxr-xr-x");
    Path store = work.resolve("store");
    CowStorage storage = CowStorages.copy(store);
    List<String> progress = new CopyOnWriteArrayList<>();
    try (InstanceCloneManager m = Fixtures.manager(storage, 47600, 47609, golden(keyFile))
        .listener((phase, message) -> progress.add(message)).start()) {
      InstanceClone c = m.create("reader");
      assertThat(Fixtures.count(c, "SELECT count(*) FROM people WHERE email LIKE '%@example.com' AND note IS NULL"))
          .isEqualTo(1500);
      assertThat(Fixtures.count(c, "SELECT count(DISTINCT id) FROM people")).isEqualTo(1500);
      assertThat(Fixtures.count(c, "SELECT count(*) FROM people WHERE kept LIKE 'kept %'")).isEqualTo(1500);
      Fixtures.exec(c, "CHECKPOINT");
      assertThat(progress).anyMatch(p -> p.startsWith("removed ") && p.contains("WAL segment"));
      assertThat(progress).anyMatch(p -> p.contains("masking report") && p.contains("public.people: 1500 rows"));
      assertThat(progress).noneMatch(p -> p.contains("instance-key-0123456789"));
      List<Path> leaks = filesContaining(store, CANARY);
      assertThat(leaks).isEmpty();
    }
    // the reports are kept with the golden in the store's registry: a later manager that reuses the
    // golden has them without masking again
    progress.clear();
    try (InstanceCloneManager m = Fixtures.manager(storage, 47600, 47609, golden(keyFile))
        .listener((phase, message) -> progress.add(message)).start()) {
      assertThat(progress).anyMatch(p -> p.startsWith("reusing ")).noneMatch(p -> p.contains("masking report"));
      assertThat(m.maskingReport()).hasValueSatisfying(r -> {
        assertThat(r.rows()).containsEntry("public.people", 1500L);
        assertThat(r.rules()).containsKeys("public.people.email", "public.people.card");
      });
      assertThat(m.subsetReport()).hasValueSatisfying(r -> assertThat(r.rows("public.people")).isEqualTo(1500));
    }
  }

  @Test
  void aPhysicalCopyOfAServerIsMaskedAndKeepsOnlyTheMaskedDatabase() throws Exception {
    Path keyFile = work.resolve("mask.key");
    Files.writeString(keyFile, "physical-key-0123456789");
    dev.lockplane.internal.os.Posix.chmod(work, "rwxr-xr-x");
    try (ProductionServer prod = ProductionServer.start()) {
      prod.exec("postgres", "CREATE DATABASE crm", "CREATE DATABASE other");
      prod.exec("crm",
          "CREATE TABLE people (id int PRIMARY KEY, email text UNIQUE NOT NULL, full_name text, kept text)",
          "INSERT INTO people SELECT g, 'p' || g || '.QZXCANARY@corp.example', 'QZXCANARY Person ' || g, 'kept ' || g"
              + " FROM generate_series(1, 1000) g",
          "UPDATE people SET full_name = full_name || ' QZXCANARY again' WHERE id % 2 = 0", "ANALYZE people");
      prod.exec("other", "CREATE TABLE secrets (v text)", "INSERT INTO secrets VALUES ('QZXCANARY in other')");
      prod.exec("postgres", "CREATE TABLE notes (v text)", "INSERT INTO notes VALUES ('QZXCANARY in postgres')");
      // the source's own files hold the values: the search below would find them if they were copied
      prod.exec("postgres", "CHECKPOINT");
      assertThat(filesContaining(prod.server().dataDirectory().resolve("base"), CANARY)).isNotEmpty();

      Golden masked = Golden.fromServer(prod.url("crm"), ProductionServer.REPLICATOR, ProductionServer.PASSWORD)
          .physical()
          .masked(Masking.builder().key(MaskingKey.file(keyFile))
              .rule("people", "email", MaskRule.fake(FakeKind.EMAIL))
              .rule("people", "full_name", MaskRule.fake(FakeKind.FULL_NAME))
              .build());
      Path store = work.resolve("physical-store");
      List<String> progress = new CopyOnWriteArrayList<>();
      try (InstanceCloneManager m = Fixtures.manager(CowStorages.copy(store), 47610, 47619, masked).database("crm")
          .listener((phase, message) -> progress.add(message)).start()) {
        InstanceClone c = m.create("reader");
        assertThat(Fixtures.count(c, "SELECT count(*) FROM people WHERE email LIKE '%@example.com'")).isEqualTo(1000);
        assertThat(Fixtures.count(c, "SELECT count(*) FROM people WHERE kept LIKE 'kept %'")).isEqualTo(1000);
        assertThat(Fixtures.count(c, "SELECT count(*) FROM pg_database WHERE datname = 'other'")).isZero();
        assertThat(m.maskingReport()).hasValueSatisfying(r -> assertThat(r.rows()).containsEntry("public.people", 1000L));
        assertThat(progress).anyMatch(p -> p.contains("dropped other, postgres, template1"));
        assertThat(progress).noneMatch(p -> p.contains("physical-key-0123456789") || p.contains(ProductionServer.PASSWORD));
        Fixtures.exec(c, "CHECKPOINT");
        assertThat(filesContaining(store, CANARY)).isEmpty();
      }
    }
  }

  @Test
  void aPhysicalSourceCannotBeSubsetAndSaysSo() {
    Golden physical = Golden.fromServer("postgres://localhost:1/x", "u", "p").physical()
        .subset(Subset.builder().where("t", "id < 10").build());
    assertThatThrownBy(() -> Fixtures.manager(CowStorages.copy(work.resolve("store2")), 47620, 47629, physical).start())
        .isInstanceOf(LockplaneException.class)
        .satisfies(e -> assertThat(((LockplaneException) e).code()).isEqualTo(ErrorCode.UNSUPPORTED))
        .hasMessageContaining("physical copy arrives file by file");
  }

  static List<Path> filesContaining(Path dir, String text) throws IOException {
    byte[] needle = text.getBytes(StandardCharsets.UTF_8);
    List<Path> found = new ArrayList<>();
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        byte[] hay = Files.readAllBytes(f);
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
          for (int j = 0; j < needle.length; j++) {
            if (hay[i + j] != needle[j]) {
              continue outer;
            }
          }
          found.add(f);
          break;
        }
      }
    }
    return found;
  }
}
