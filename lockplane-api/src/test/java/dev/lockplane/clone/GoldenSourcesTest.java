package dev.lockplane.clone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GoldenSourcesTest {

  @Test
  void serverSourceNeverShowsItsPassword() {
    Golden.FromServer g = Golden.fromServer("postgres://app:hunter2@db.internal:5432/shop", "reader", "s3cret-pass");
    String all = g + " " + g.describe() + " " + g.contentHash() + " " + g.physical() + " " + g.jobs(4).describe();
    assertThat(all).doesNotContain("hunter2").doesNotContain("s3cret-pass").contains("db.internal:5432/shop");
    assertThat(Golden.fromServer("jdbc:postgresql://h/db?user=u&password=pw1", "u", null).describe()).doesNotContain("pw1");
  }

  @Test
  void contentHashesSeparateKindsAndSettings() {
    Golden.FromServer logical = Golden.fromServer("postgres://h/db", "reader", "a");
    assertThat(logical.contentHash()).isEqualTo(Golden.fromServer("postgres://h/db", "reader", "b").contentHash());
    assertThat(logical.physical().contentHash()).isNotEqualTo(logical.contentHash());
    // where the dump is written does not change what the golden holds, and the setting survives the others
    Golden.FromServer staged = logical.dumpDirectory(java.nio.file.Path.of("/var/tmp/dumps")).jobs(3);
    assertThat(staged.contentHash()).isEqualTo(logical.contentHash());
    assertThat(staged.dumpDirectory()).isEqualTo(java.nio.file.Path.of("/var/tmp/dumps"));
    assertThat(staged.physical().dumpDirectory()).isEqualTo(staged.dumpDirectory());
    assertThat(staged.toString()).contains("dumpDirectory=/var/tmp/dumps");
    assertThat(logical.dumpDirectory()).isNull();
    Golden.FromFlyway flyway = Golden.fromFlyway("classpath:db/migration");
    assertThat(flyway.placeholders(Map.of("owner", "app")).contentHash()).isNotEqualTo(flyway.contentHash());
    Golden.FromLiquibase lb = Golden.fromLiquibase("db/changelog.yaml");
    assertThat(lb.contexts("test").contentHash()).isNotEqualTo(lb.contentHash());
    assertThat(flyway.describe()).contains("classpath:db/migration");
  }

  @Test
  void badInputIsRefused() {
    assertThatThrownBy(() -> Golden.fromServer("postgres://h/db", "u", null).jobs(0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("jobs");
    assertThatThrownBy(() -> Golden.fromFlyway()).hasMessageContaining("no Flyway location");
    assertThatThrownBy(() -> Golden.fromLiquibase(" ")).hasMessageContaining("changelog is blank");
  }

  @Test
  void aSourceDescribesTheGoldenAndSnapshotsKnowTheirDataTime() {
    GoldenSource src = new GoldenSource() {
      @Override public Form form() { return Form.LOGICAL; }
      @Override public String contentKey() { return "k1"; }
      @Override public String describe() { return "my loader"; }
      @Override public Instant load(GoldenTarget target) { return Instant.EPOCH; }
    };
    assertThat(Golden.from(src).describe()).isEqualTo("my loader");
    Instant t = Instant.parse("2026-11-30T10:00:00Z");
    assertThat(new Snapshot("s", t, "d").dataStateAt()).isEqualTo(t);
    Snapshot old = new Snapshot("s", t, "d", t.minusSeconds(3600));
    assertThat(old.dataAge(t).toMinutes()).isEqualTo(60);
  }
}
