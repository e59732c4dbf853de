package dev.lockplane.backup;

import dev.lockplane.ErrorCode;
import dev.lockplane.LockplaneException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.IsoFields;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Which backups to keep. Immutable: each method returns a new policy, and setting a rule twice fails.
 *
 * <pre>{@code
 * Retention policy = Retention.policy().keepLast(3).keepDaily(7).keepWeekly(4).keepMonthly(12).minimum(3);
 * repo.prune(policy).dryRun();     // what would go, and why each survivor stays
 * }</pre>
 *
 * <p>A backup is kept when any rule keeps it. Calendar rules keep the newest backup of each of the
 * last N days (weeks, months, years) that have a backup, in UTC unless {@link #zone(ZoneId)} says
 * otherwise. Whatever the rules say, prune never removes a pinned backup, the most recent backup
 * that passed verification, or a backup that a kept backup depends on, and keeps at least
 * {@link #minimum(int)} backups.
 */
public final class Retention {
  private final Integer last;
  private final Integer daily;
  private final Integer weekly;
  private final Integer monthly;
  private final Integer yearly;
  private final Duration within;
  private final Integer minimum;
  private final Set<String> pinned;
  private final ZoneId zone;

  private Retention(Integer last, Integer daily, Integer weekly, Integer monthly, Integer yearly, Duration within,
      Integer minimum, Set<String> pinned, ZoneId zone) {
    this.last = last;
    this.daily = daily;
    this.weekly = weekly;
    this.monthly = monthly;
    this.yearly = yearly;
    this.within = within;
    this.minimum = minimum;
    this.pinned = pinned;
    this.zone = zone;
  }

  /** Returns an empty policy; add at least one keep rule before pruning with it. */
  public static Retention policy() {
    return new Retention(null, null, null, null, null, null, null, Set.of(), null);
  }

  private static int count(Object current, String what, int n) {
    if (current != null) {
      throw new LockplaneException(ErrorCode.INVALID_CONFIGURATION, what + " was already set to " + current + "; set it once.");
    }
    if (n < 1) {
      throw new LockplaneException(ErrorCode.INVALID_CONFIGURATION, what + " must be at least 1, not " + n + ".");
    }
    return n;
  }

  /** Keeps the newest {@code n} backups. */
  public Retention keepLast(int n) {
    return new Retention(count(last, "keepLast", n), daily, weekly, monthly, yearly, within, minimum, pinned, zone);
  }

  /** Keeps the newest backup of each of the last {@code n} days that have one. */
  public Retention keepDaily(int n) {
    return new Retention(last, count(daily, "keepDaily", n), weekly, monthly, yearly, within, minimum, pinned, zone);
  }

  /** Keeps the newest backup of each of the last {@code n} ISO weeks that have one. */
  public Retention keepWeekly(int n) {
    return new Retention(last, daily, count(weekly, "keepWeekly", n), monthly, yearly, within, minimum, pinned, zone);
  }

  /** Keeps the newest backup of each of the last {@code n} months that have one. */
  public Retention keepMonthly(int n) {
    return new Retention(last, daily, weekly, count(monthly, "keepMonthly", n), yearly, within, minimum, pinned, zone);
  }

  /** Keeps the newest backup of each of the last {@code n} years that have one. */
  public Retention keepYearly(int n) {
    return new Retention(last, daily, weekly, monthly, count(yearly, "keepYearly", n), within, minimum, pinned, zone);
  }

  /** Keeps every backup started within this duration before now. */
  public Retention keepWithin(Duration d) {
    if (within != null) {
      throw new LockplaneException(ErrorCode.INVALID_CONFIGURATION, "keepWithin was already set to " + within + "; set it once.");
    }
    if (Objects.requireNonNull(d, "d").isNegative() || d.isZero()) {
      throw new LockplaneException(ErrorCode.INVALID_CONFIGURATION, "keepWithin must be positive, not " + d + ".");
    }
    return new Retention(last, daily, weekly, monthly, yearly, d, minimum, pinned, zone);
  }

  /** Keeps at least {@code n} backups, the newest ones, whatever the other rules say. */
  public Retention minimum(int n) {
    return new Retention(last, daily, weekly, monthly, yearly, within, count(minimum, "minimum", n), pinned, zone);
  }

  /** Never removes these backups. */
  public Retention pin(String... ids) {
    Set<String> p = new TreeSet<>(pinned);
    for (String id : ids) {
      p.add(Objects.requireNonNull(id, "id"));
    }
    return new Retention(last, daily, weekly, monthly, yearly, within, minimum, Set.copyOf(p), zone);
  }

  /** The time zone whose calendar days, weeks, months and years the calendar rules use (default UTC). */
  public Retention zone(ZoneId z) {
    if (zone != null) {
      throw new LockplaneException(ErrorCode.INVALID_CONFIGURATION, "zone was already set to " + zone + "; set it once.");
    }
    return new Retention(last, daily, weekly, monthly, yearly, within, minimum, pinned, Objects.requireNonNull(z, "z"));
  }

  /**
   * What the policy decides for one backup.
   *
   * @param backup the backup
   * @param keep whether it stays
   * @param reasons why it stays (empty when it goes)
   */
  public record Decision(Backup backup, boolean keep, List<String> reasons) {
    /** Copies the reasons. */
    public Decision {
      reasons = List.copyOf(reasons);
    }
  }

  /**
   * Decides, for every backup, whether it stays and why. Pure: it reads nothing and deletes nothing.
   *
   * @param backups the backups, in any order
   * @param now the current time, for {@link #keepWithin(Duration)}
   * @return one decision per backup, newest first
   */
  public List<Decision> decide(List<Backup> backups, Instant now) {
    if (last == null && daily == null && weekly == null && monthly == null && yearly == null && within == null
        && minimum == null && pinned.isEmpty()) {
      throw new LockplaneException(ErrorCode.INVALID_CONFIGURATION,
          "The retention policy has no keep rule, so it would remove every backup. Add keepLast, keepDaily, keepWithin, ... .");
    }
    List<Backup> sorted = new ArrayList<>(backups);
    sorted.sort(Comparator.comparing(Backup::startTime).thenComparing(Backup::id).reversed());
    Map<String, Set<String>> reasons = new LinkedHashMap<>();
    sorted.forEach(b -> reasons.put(b.id(), new LinkedHashSet<>()));
    ZoneId z = zone == null ? ZoneOffset.UTC : zone;

    for (int i = 0; i < sorted.size(); i++) {
      Backup b = sorted.get(i);
      if (pinned.contains(b.id())) {
        reasons.get(b.id()).add("pinned");
      }
      if (last != null && i < last) {
        reasons.get(b.id()).add("last " + last);
      }
      if (within != null && !b.startTime().isBefore(now.minus(within))) {
        reasons.get(b.id()).add("within " + within);
      }
    }
    bucket(sorted, daily, "daily", b -> LocalDate.ofInstant(b.startTime(), z).toString(), reasons);
    bucket(sorted, weekly, "weekly", b -> {
      LocalDate d = LocalDate.ofInstant(b.startTime(), z);
      return d.get(IsoFields.WEEK_BASED_YEAR) + "-W" + String.format("%02d", d.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR));
    }, reasons);
    bucket(sorted, monthly, "monthly", b -> LocalDate.ofInstant(b.startTime(), z).toString().substring(0, 7), reasons);
    bucket(sorted, yearly, "yearly", b -> String.valueOf(LocalDate.ofInstant(b.startTime(), z).getYear()), reasons);

    sorted.stream().filter(b -> b.verifiedAt() != null).findFirst()
        .ifPresent(b -> reasons.get(b.id()).add("last verified backup"));
    if (minimum != null) {
      int kept = (int) reasons.values().stream().filter(r -> !r.isEmpty()).count();
      for (Backup b : sorted) {
        if (kept >= minimum) {
          break;
        }
        if (reasons.get(b.id()).isEmpty()) {
          reasons.get(b.id()).add("minimum " + minimum);
          kept++;
        }
      }
    }
    Map<String, Backup> byId = new HashMap<>();
    sorted.forEach(b -> byId.put(b.id(), b));
    boolean changed = true;
    while (changed) {
      changed = false;
      for (Backup b : sorted) {
        if (!reasons.get(b.id()).isEmpty() && b.parent() != null && byId.containsKey(b.parent())) {
          changed |= reasons.get(b.parent()).add("parent of " + b.id());
        }
      }
    }
    List<Decision> out = new ArrayList<>();
    for (Backup b : sorted) {
      Set<String> r = reasons.get(b.id());
      out.add(new Decision(b, !r.isEmpty(), new ArrayList<>(r)));
    }
    return out;
  }

  private static void bucket(List<Backup> newestFirst, Integer n, String name, Function<Backup, String> key,
      Map<String, Set<String>> reasons) {
    if (n == null) {
      return;
    }
    Set<String> seen = new LinkedHashSet<>();
    for (Backup b : newestFirst) {
      String k = key.apply(b);
      if (seen.contains(k)) {
        continue;
      }
      if (seen.size() == n) {
        break;
      }
      seen.add(k);
      reasons.get(b.id()).add(name + " " + k);
    }
  }

  @Override
  public String toString() {
    List<String> parts = new ArrayList<>();
    if (last != null) parts.add("keepLast " + last);
    if (daily != null) parts.add("keepDaily " + daily);
    if (weekly != null) parts.add("keepWeekly " + weekly);
    if (monthly != null) parts.add("keepMonthly " + monthly);
    if (yearly != null) parts.add("keepYearly " + yearly);
    if (within != null) parts.add("keepWithin " + within);
    if (minimum != null) parts.add("minimum " + minimum);
    if (!pinned.isEmpty()) parts.add("pinned " + pinned);
    return "Retention[" + String.join(", ", parts) + "]";
  }
}
