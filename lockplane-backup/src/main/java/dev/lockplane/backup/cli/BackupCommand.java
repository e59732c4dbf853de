package dev.lockplane.backup.cli;

import dev.lockplane.LockplaneException;
import dev.lockplane.backup.Backup;
import dev.lockplane.backup.BackupRepository;
import dev.lockplane.backup.BackupRequest;
import dev.lockplane.backup.CompareReport;
import dev.lockplane.backup.Compression;
import dev.lockplane.backup.ExtractFormat;
import dev.lockplane.backup.Keyset;
import dev.lockplane.backup.PruneResult;
import dev.lockplane.backup.Retention;
import dev.lockplane.backup.RestoreRequest;
import dev.lockplane.backup.VerifyDepth;
import dev.lockplane.backup.VerifyReport;
import dev.lockplane.postgres.LocalPostgres;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The {@code lockplane backup} command line: {@code create | list | show | verify | restore |
 * extract | compare | prune | keys}. Runs on its own ({@link #main}) or as a subcommand of the
 * {@code lockplane} command ({@link #run(List, PrintStream, PrintStream)}).
 *
 * <p>Exit codes: 0 success, 1 failure, 2 a verify or compare that found differences, 64 usage error.
 */
public final class BackupCommand {
  private static final Set<String> FLAGS = Set.of("unencrypted", "physical", "logical", "overwrite", "dry-run", "json", "help");
  private static final Set<String> VALUED = Set.of("repo", "keyset", "keyset-env", "passphrase-env", "sqlite", "pgdata",
      "pg-version", "database", "jobs", "tag", "compression", "level", "depth", "sample", "to", "to-file", "table", "where",
      "format", "jdbc-url", "user", "password-env", "keep-last", "keep-daily", "keep-weekly", "keep-monthly", "keep-yearly",
      "keep-within", "minimum", "pin", "incomplete-older-than", "out", "in", "part-size", "parallelism");

  static final String USAGE = String.join("\n",
      "usage: lockplane backup <command> [options]",
      "  keys generate --out FILE [--passphrase-env VAR]",
      "  keys rotate --in FILE --out FILE [--passphrase-env VAR]",
      "  keys show --in FILE [--passphrase-env VAR]",
      "  create  --repo DIR KEYS (--sqlite FILE | --physical --pgdata DIR | --logical --pgdata DIR --database DB [--jobs N])",
      "          [--pg-version N] [--tag T]... [--compression zstd|gzip|none] [--level N]",
      "  list    --repo DIR [KEYS]",
      "  show    --repo DIR [KEYS] ID",
      "  verify  --repo DIR [KEYS] ID [--depth structure|data|drill] [--sample PCT]",
      "  restore --repo DIR KEYS ID (--to DIR | --to-file FILE | --pgdata DIR --database DB) [--overwrite]",
      "  extract --repo DIR KEYS ID --table SCHEMA.TABLE [--database DB] [--where SQL] [--format inserts|csv]",
      "  compare --repo DIR ID --jdbc-url URL [--user U --password-env VAR] [--database DB]",
      "  prune   --repo DIR [--keep-last N] [--keep-daily N] [--keep-weekly N] [--keep-monthly N] [--keep-yearly N]",
      "          [--keep-within 7d|12h] [--minimum N] [--pin ID]... [--incomplete-older-than 1h] [--dry-run]",
      "KEYS: --keyset FILE | --keyset-env VAR (optionally --passphrase-env VAR) | --unencrypted",
      "PostgreSQL sources: --pgdata names a stopped cluster created by Lockplane; it is started for the backup.");

  private BackupCommand() {}

  /**
   * Runs the command and exits with its code.
   *
   * @param args the arguments after {@code backup}
   */
  public static void main(String[] args) {
    System.exit(run(Arrays.asList(args), System.out, System.err));
  }

  /**
   * Runs the command.
   *
   * @param args the arguments after {@code backup}
   * @param out standard output
   * @param err standard error
   * @return the exit code
   */
  public static int run(List<String> args, PrintStream out, PrintStream err) {
    if (args.isEmpty() || args.get(0).equals("--help") || args.get(0).equals("help")) {
      out.println(USAGE);
      return args.isEmpty() ? 64 : 0;
    }
    try {
      String cmd = args.get(0);
      Args a = new Args(args.subList(1, args.size()), FLAGS, VALUED);
      return switch (cmd) {
        case "keys" -> Commands.keys(a, out);
        case "create" -> create(a, out);
        case "list" -> Commands.list(repo(a, true), out);
        case "show" -> Commands.show(repo(a, true), id(a), a.flag("json"), out);
        case "verify" -> verify(a, out);
        case "restore" -> restore(a, out);
        case "extract" -> extract(a, out);
        case "compare" -> compare(a, out);
        case "prune" -> prune(a, out);
        default -> throw new Args.UsageException("unknown command '" + cmd + "'");
      };
    } catch (Args.UsageException e) {
      err.println("lockplane backup: " + e.getMessage());
      err.println(USAGE);
      return 64;
    } catch (LockplaneException e) {
      err.println("lockplane backup: " + e.code() + ": " + e.getMessage());
      return 1;
    }
  }

  static String id(Args a) {
    if (a.positional.size() != 1) {
      throw new Args.UsageException("give exactly one backup id");
    }
    return a.positional.get(0);
  }

  static char[] passphrase(Args a) {
    String var = a.get("passphrase-env");
    if (var == null) {
      return null;
    }
    String v = System.getenv(var);
    if (v == null) {
      throw new Args.UsageException("the environment variable " + var + " (--passphrase-env) is not set");
    }
    return v.toCharArray();
  }

  /** Opens the repository; {@code keysOptional} lets list/show/verify run without keys. */
  static BackupRepository repo(Args a, boolean keysOptional) {
    BackupRepository.Builder b = BackupRepository.at(Path.of(a.require("repo")));
    Keyset k = null;
    char[] pass = passphrase(a);
    if (a.get("keyset") != null) {
      k = pass == null ? Keyset.fromFile(Path.of(a.get("keyset"))) : Keyset.fromFile(Path.of(a.get("keyset")), pass);
    } else if (a.get("keyset-env") != null) {
      k = pass == null ? Keyset.fromEnvironment(a.get("keyset-env")) : Keyset.fromEnvironment(a.get("keyset-env"), pass);
    }
    if (k != null) {
      b.encryptWith(k);
    } else if (a.flag("unencrypted") || keysOptional) {
      b.unencrypted();
    } else {
      throw new Args.UsageException("give --keyset FILE, --keyset-env VAR, or --unencrypted");
    }
    if (a.get("compression") != null) {
      String c = a.get("compression").toLowerCase(Locale.ROOT);
      Integer level = a.integer("level");
      b.compression(switch (c) {
        case "zstd" -> level == null ? Compression.zstd() : Compression.zstd(level);
        case "gzip" -> level == null ? Compression.gzip() : new Compression(Compression.Algorithm.GZIP, level);
        case "none" -> Compression.none();
        default -> throw new Args.UsageException("--compression is zstd, gzip or none, not '" + c + "'");
      });
    }
    if (a.integer("parallelism") != null) {
      b.parallelism(a.integer("parallelism"));
    }
    if (a.get("part-size") != null) {
      b.partSize(Long.parseLong(a.get("part-size")));
    }
    return b.open();
  }

  static LocalPostgres startCluster(Args a) {
    LocalPostgres.Builder b = LocalPostgres.builder().dataDirectory(Path.of(a.require("pgdata")));
    if (a.integer("pg-version") != null) {
      b.version(a.integer("pg-version"));
    }
    return b.start();
  }

  private static int create(Args a, PrintStream out) {
    BackupRepository repo = repo(a, false);
    BackupRequest r = repo.backup();
    a.all("tag").forEach(r::tag);
    r.progress(new TextProgress(System.err));
    Backup b;
    if (a.get("sqlite") != null) {
      b = r.sqlite(Path.of(a.get("sqlite"))).run();
    } else if (a.flag("physical") || a.flag("logical")) {
      try (LocalPostgres pg = startCluster(a)) {
        b = a.flag("physical") ? r.physical(pg).run()
            : r.logical(pg, a.require("database"), a.integer("jobs") == null ? 1 : a.integer("jobs")).run();
      }
    } else {
      throw new Args.UsageException("give a source: --sqlite FILE, --physical --pgdata DIR, or --logical --pgdata DIR --database DB");
    }
    out.println(b.id());
    return 0;
  }

  private static int verify(Args a, PrintStream out) {
    BackupRepository repo = repo(a, true);
    VerifyDepth depth = VerifyDepth.valueOf(a.get("depth") == null ? "DATA" : a.get("depth").toUpperCase(Locale.ROOT));
    int sample = a.integer("sample") == null ? 100 : a.integer("sample");
    VerifyReport r = repo.verify(id(a), depth, sample, null, new TextProgress(System.err));
    for (VerifyReport.Problem p : r.problems()) {
      out.println("PROBLEM " + p.object() + ": " + p.message());
    }
    out.println((r.ok() ? "OK " : "FAILED ") + r.backupId() + " depth " + depth.name().toLowerCase(Locale.ROOT) + ", "
        + r.objectsChecked() + " objects, " + r.bytesChecked() + " bytes read"
        + (r.plaintextChecked() ? "" : " (no keyset: stored bytes only)") + ", " + r.elapsed().toMillis() + " ms");
    return r.ok() ? 0 : 2;
  }

  private static int restore(Args a, PrintStream out) {
    BackupRepository repo = repo(a, false);
    RestoreRequest r = repo.restore(id(a)).overwrite(a.flag("overwrite")).progress(new TextProgress(System.err));
    if (a.get("to") != null) {
      out.println(r.toDirectory(Path.of(a.get("to"))));
    } else if (a.get("to-file") != null) {
      out.println(r.toFile(Path.of(a.get("to-file"))));
    } else if (a.get("pgdata") != null) {
      try (LocalPostgres pg = startCluster(a)) {
        r.intoDatabase(pg, a.require("database"));
      }
      out.println("restored into database " + a.get("database"));
    } else {
      throw new Args.UsageException("give a target: --to DIR, --to-file FILE, or --pgdata DIR --database DB");
    }
    return 0;
  }

  private static int extract(Args a, PrintStream out) {
    BackupRepository repo = repo(a, false);
    var r = repo.extract(id(a), a.require("table"));
    if (a.get("database") != null) {
      r.database(a.get("database"));
    }
    if (a.get("where") != null) {
      r.where(a.get("where"));
    }
    r.format(ExtractFormat.valueOf(a.get("format") == null ? "INSERTS" : a.get("format").toUpperCase(Locale.ROOT)));
    OutputStreamWriter w = new OutputStreamWriter(out, StandardCharsets.UTF_8);
    r.to(w);
    return 0;
  }

  private static int compare(Args a, PrintStream out) {
    BackupRepository repo = repo(a, true);
    String pw = a.get("password-env") == null ? null : System.getenv(a.get("password-env"));
    try (Connection c = DriverManager.getConnection(a.require("jdbc-url"), a.get("user"), pw)) {
      CompareReport r = repo.compare(id(a), c, a.get("database"));
      r.rowCounts().forEach(d -> out.println("ROWS " + d.table() + ": backup " + d.backup() + ", live " + d.live()));
      r.onlyInBackup().forEach(t -> out.println("ONLY IN BACKUP " + t));
      r.onlyLive().forEach(t -> out.println("ONLY LIVE " + t));
      r.columnChanges().forEach(d -> out.println("COLUMNS " + d.table() + ": backup " + d.backup() + ", live " + d.live()));
      out.println(r.same() ? "SAME" : "DIFFERENT");
      return r.same() ? 0 : 2;
    } catch (java.sql.SQLException e) {
      throw new LockplaneException(dev.lockplane.ErrorCode.DATABASE_ERROR, "Cannot connect to " + a.get("jdbc-url") + ": " + e.getMessage(), e);
    }
  }

  private static int prune(Args a, PrintStream out) {
    BackupRepository repo = repo(a, true);
    Retention p = Retention.policy();
    if (a.integer("keep-last") != null) p = p.keepLast(a.integer("keep-last"));
    if (a.integer("keep-daily") != null) p = p.keepDaily(a.integer("keep-daily"));
    if (a.integer("keep-weekly") != null) p = p.keepWeekly(a.integer("keep-weekly"));
    if (a.integer("keep-monthly") != null) p = p.keepMonthly(a.integer("keep-monthly"));
    if (a.integer("keep-yearly") != null) p = p.keepYearly(a.integer("keep-yearly"));
    if (a.get("keep-within") != null) p = p.keepWithin(duration(a.get("keep-within")));
    if (a.integer("minimum") != null) p = p.minimum(a.integer("minimum"));
    if (!a.all("pin").isEmpty()) p = p.pin(a.all("pin").toArray(String[]::new));
    BackupRepository.PruneRequest req = repo.prune(p);
    if (a.get("incomplete-older-than") != null) {
      req.incompleteOlderThan(duration(a.get("incomplete-older-than")));
    }
    PruneResult r = a.flag("dry-run") ? req.dryRun() : req.run();
    return Commands.printPrune(r, out);
  }

  static Duration duration(String s) {
    try {
      long n = Long.parseLong(s.substring(0, s.length() - 1));
      return switch (s.charAt(s.length() - 1)) {
        case 'd' -> Duration.ofDays(n);
        case 'h' -> Duration.ofHours(n);
        case 'm' -> Duration.ofMinutes(n);
        case 's' -> Duration.ofSeconds(n);
        default -> throw new NumberFormatException();
      };
    } catch (RuntimeException e) {
      throw new Args.UsageException("'" + s + "' is not a duration such as 7d, 12h, 30m");
    }
  }
}
