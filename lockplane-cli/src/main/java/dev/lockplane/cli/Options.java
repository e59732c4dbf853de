package dev.lockplane.cli;

/** The command line, parsed by hand: a handful of {@code --name value} options. */
final class Options {
  static final String USAGE = """
      usage: lockplane COMMAND --url JDBC_URL [options]
        introspect   print the live schema (--format text: SQL, json: Lockplane JSON)
        plan         plan the live database to --schema; exit 2 when there are changes
        apply        apply --plan FILE, or plan to --schema and apply
        rollback     apply the reverse of --plan FILE
        drift        compare the live database with --schema; exit 2 on drift
        validate     plan to --schema, then run the plan and its rollback on a thin clone of the
                     database (same server; the role needs CREATEDB) and print the measurements;
                     exit 2 when a step is above --max-risk, fails, or the rollback does not restore
        backup ...   backups: create|list|show|verify|restore|extract|compare|prune|keys
                     (run 'lockplane backup help' for its options)
      options:
        --url URL               the target database (jdbc:postgresql://... or jdbc:sqlite:...)
        --user USER --password PASSWORD
        --schema DIR|FILE       desired state: a .sql file, a directory of .sql files, or a .json file
        --format text|json|markdown  output format (default text; markdown for plan and validate)
        --safety strict|moderate|permissive  how risky steps are treated (default moderate)
        --max-risk CLASS        validate: highest accepted risk class (safe, review, lossy, dangerous,
                                multi_phase; default review)
        --admin-db NAME         validate: the database used to create clones (default postgres)
        --plan FILE             a plan written by plan --out
        --out FILE              also write the plan as JSON to FILE
        --scratch-url URL       a PostgreSQL server for scratch databases (default: an embedded server)
        --lock-timeout ISO      e.g. PT5S          --statement-timeout ISO  e.g. PT1M
      exit codes: 0 no changes / applied / validated, 2 changes, drift or findings, 1 error""";

  String command;
  String url;
  String user;
  String password;
  String schema;
  String format = "text";
  String plan;
  String out;
  String scratchUrl;
  String lockTimeout;
  String statementTimeout;
  String safety;
  String maxRisk = "review";
  String adminDb = "postgres";

  static Options parse(String[] args) {
    Options o = new Options();
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (!a.startsWith("--")) {
        if (o.command != null) {
          throw new IllegalArgumentException("unexpected argument " + a);
        }
        o.command = a;
        continue;
      }
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException(a + " needs a value");
      }
      String v = args[++i];
      switch (a) {
        case "--url" -> o.url = v;
        case "--user" -> o.user = v;
        case "--password" -> o.password = v;
        case "--schema" -> o.schema = v;
        case "--format" -> {
          if (!v.equals("text") && !v.equals("json") && !v.equals("markdown")) {
            throw new IllegalArgumentException("--format is text, json or markdown, not " + v);
          }
          o.format = v;
        }
        case "--plan" -> o.plan = v;
        case "--out" -> o.out = v;
        case "--scratch-url" -> o.scratchUrl = v;
        case "--lock-timeout" -> o.lockTimeout = v;
        case "--statement-timeout" -> o.statementTimeout = v;
        case "--safety" -> o.safety = v;
        case "--max-risk" -> o.maxRisk = v;
        case "--admin-db" -> o.adminDb = v;
        default -> throw new IllegalArgumentException("unknown option " + a);
      }
    }
    return o;
  }

  boolean json() {
    return format.equals("json");
  }

  String require(String name, String value) {
    if (value == null) {
      throw new IllegalArgumentException("--" + name + " is required for " + command);
    }
    return value;
  }
}
