package dev.lockplane.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Retention on synthetic calendars of 400 backups, then on a real repository. */
class RetentionTest {
  static final Instant START = Instant.parse("2025-01-01T02:00:00Z");

  /** 400 backups: one a day at 02:00 for 400 days, newest last. */
  static List<Backup> daily400() {
    List<Backup> out = new ArrayList<>();
    for (int i = 0; i < 400; i++) {
      Instant t = START.plus(Duration.ofDays(i));
      out.add(Backup.of("b" + String.format("%03d", i), t));
    }
    return out;
  }

  static Set<String> kept(List<Retention.Decision> d) {
    return d.stream().filter(Retention.Decision::keep).map(x -> x.backup().id()).collect(Collectors.toSet());
  }

  @Test
  void calendarRulesKeepTheNewestOfEachPeriod() {
    List<Backup> all = daily400();
    Instant now = all.get(399).startTime().plus(Duration.ofHours(1));
    List<Retention.Decision> d = Retention.policy().keepDaily(7).keepWeekly(4).keepMonthly(12).keepYearly(3).decide(all, now);
    assertThat(d).hasSize(400);
    assertThat(d.get(0).backup().id()).isEqualTo("b399");

    Set<String> kept = kept(d);
    // 7 days: b393..b399
    for (int i = 393; i <= 399; i++) {
      assertThat(kept).contains("b" + i);
    }
    // every kept backup is the newest of its ISO week / month / year, or within the last 7 days
    LocalDate last = LocalDate.ofInstant(all.get(399).startTime(), ZoneOffset.UTC);
    assertThat(last).isEqualTo(LocalDate.parse("2026-02-04"));
    // months: Feb 2026 (b399), Jan 2026 (2026-01-31 = b395), Dec 2025 (2025-12-31 = b364) ... Mar 2025 (2025-03-31 = b089)
    assertThat(kept).contains("b364", "b333", "b303", "b272", "b242", "b211", "b180", "b150", "b119", "b089");
    assertThat(kept).doesNotContain("b058"); // Feb 2025 is the 13th month back
    // years: 2026 (b399), 2025 (2025-12-31 = b364); only two years have backups
    Map<String, List<String>> reasons = d.stream().collect(Collectors.toMap(x -> x.backup().id(), Retention.Decision::reasons));
    assertThat(reasons.get("b364")).contains("monthly 2025-12", "yearly 2025");
    assertThat(reasons.get("b399")).contains("daily 2026-02-04", "weekly 2026-W06", "monthly 2026-02", "yearly 2026");
    // weekly: newest of 4 ISO weeks: W06 (b399), W05 (Sun 2026-02-01 = b396), W04 (b389), W03 (b382)
    assertThat(reasons.get("b396")).contains("weekly 2026-W05");
    assertThat(reasons.get("b382")).contains("weekly 2026-W03");
    assertThat(kept).doesNotContain("b375");
    // 7 daily + weekly W04, W03 (W05/W06 overlap daily) + 10 older months (Feb/Jan overlap) + 0 years extra
    assertThat(kept).hasSize(7 + 2 + 10);
  }

  @Test
  void keepLastWithinMinimumAndPinned() {
    List<Backup> all = daily400();
    Instant now = all.get(399).startTime().plus(Duration.ofHours(1));
    assertThat(kept(Retention.policy().keepLast(5).decide(all, now))).containsExactlyInAnyOrder("b395", "b396", "b397", "b398", "b399");
    assertThat(kept(Retention.policy().keepWithin(Duration.ofDays(3)).decide(all, now))).containsExactlyInAnyOrder("b397", "b398", "b399");
    assertThat(kept(Retention.policy().keepLast(1).minimum(4).decide(all, now))).containsExactlyInAnyOrder("b396", "b397", "b398", "b399");
    List<Retention.Decision> pinned = Retention.policy().keepLast(1).pin("b007").decide(all, now);
    assertThat(kept(pinned)).containsExactlyInAnyOrder("b399", "b007");
    assertThat(pinned.stream().filter(x -> x.backup().id().equals("b007")).findFirst().orElseThrow().reasons()).containsExactly("pinned");
  }

  @Test
  void neverTheLastVerifiedNorAParentOfAKeptBackup() {
    List<Backup> all = new ArrayList<>(daily400());
    Backup verified = all.get(100);
    all.set(100, new Backup(verified.id(), verified.kind(), verified.startTime(), verified.stopTime(), List.of(), List.of(), "",
        0, 0, 0, -1, null, Map.of(), verified.startTime().plusSeconds(60)));
    Backup child = all.get(399);
    all.set(399, new Backup(child.id(), child.kind(), child.startTime(), child.stopTime(), List.of(), List.of(), "", 0, 0, 0,
        -1, "b050", Map.of(), null));
    Backup mid = all.get(50);
    all.set(50, new Backup(mid.id(), mid.kind(), mid.startTime(), mid.stopTime(), List.of(), List.of(), "", 0, 0, 0, -1,
        "b010", Map.of(), null));
    List<Retention.Decision> d = Retention.policy().keepLast(1).decide(all, Instant.now());
    assertThat(kept(d)).containsExactlyInAnyOrder("b399", "b100", "b050", "b010");
    Map<String, List<String>> reasons = d.stream().collect(Collectors.toMap(x -> x.backup().id(), Retention.Decision::reasons));
    assertThat(reasons.get("b100")).containsExactly("last verified backup");
    assertThat(reasons.get("b050")).containsExactly("parent of b399");
    assertThat(reasons.get("b010")).containsExactly("parent of b050");
  }

  @Test
  void policiesRejectDuplicatesAndEmptiness() {
    assertThatThrownBy(() -> Retention.policy().keepLast(3).keepLast(4)).hasMessageContaining("keepLast was already set to 3");
    assertThatThrownBy(() -> Retention.policy().decide(daily400(), Instant.now())).hasMessageContaining("no keep rule");
    assertThatThrownBy(() -> Retention.policy().keepDaily(0)).hasMessageContaining("at least 1");
  }

  @Test
  void pruneOnARealRepositoryDryRunThenRun(@TempDir Path tmp) throws Exception {
    Path db = tmp.resolve("a.db");
    TestData.createSqlite(db, 10);
    BackupRepository repo = BackupRepository.at(tmp.resolve("repo")).unencrypted().open();
    List<Backup> taken = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      taken.add(repo.backup().sqlite(db).run());
      Thread.sleep(1100); // ids and start times are per second
    }
    assertThat(repo.verify(taken.get(0).id(), VerifyDepth.DATA).ok()).isTrue();
    PruneResult dry = repo.prune(Retention.policy().keepLast(2)).dryRun();
    assertThat(dry.removed()).containsExactly(taken.get(1).id());
    assertThat(dry.decisions()).filteredOn(x -> x.backup().id().equals(taken.get(0).id())).singleElement()
        .satisfies(x -> assertThat(x.reasons()).containsExactly("last verified backup"));
    assertThat(repo.list()).hasSize(4);
    PruneResult run = repo.prune(Retention.policy().keepLast(2)).run();
    assertThat(run.removed()).containsExactly(taken.get(1).id());
    assertThat(repo.list()).extracting(Backup::id).containsExactly(taken.get(0).id(), taken.get(2).id(), taken.get(3).id());
    assertThat(tmp.resolve("repo/backups").resolve(taken.get(1).id())).doesNotExist();
  }
}
