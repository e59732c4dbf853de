package dev.lockplane.benchmarks;

import dev.lockplane.plan.Plan;
import dev.lockplane.planner.Lockplane;
import dev.lockplane.planner.Planner;
import dev.lockplane.postgres.LocalPostgres;
import dev.lockplane.schema.Column;
import dev.lockplane.schema.DatabaseSchema;
import dev.lockplane.schema.Dialect;
import dev.lockplane.schema.Table;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Introspect + diff + plan for a schema of N tables (default 1,000), each with 20 columns, 3
 * indexes and 1 foreign key. Prints the median of several runs for: introspection on a new connection
 * (and, within it, the read of {@code pg_depend}), introspection again on a connection that has
 * introspected before, planning the whole schema from empty, planning a small change (one column
 * added to every tenth table), and introspect + diff + plan together.
 *
 * <pre>
 * mvn -q -o -pl benchmarks -am package -DskipTests
 * java -cp "benchmarks/target/classes:$(cat benchmarks/target/cp.txt)" dev.lockplane.benchmarks.PlannerBenchmark [tables] [runs]
 * java -cp benchmarks/target/lockplane-benchmarks.jar dev.lockplane.benchmarks.PlannerBenchmark 10000 3
 * </pre>
 */
public final class PlannerBenchmark {
  private PlannerBenchmark() {}

  public static void main(String[] args) throws Exception {
    int tables = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
    int runs = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    try (LocalPostgres pg = LocalPostgres.builder().start()) {
      try (Connection c = pg.connect("postgres"); Statement s = c.createStatement()) {
        s.execute("CREATE DATABASE bench TEMPLATE template0");
      }
      try (Connection c = pg.connect("bench"); Statement s = c.createStatement()) {
        c.setAutoCommit(false);
        for (int t = 0; t < tables; t++) {
          StringBuilder b = new StringBuilder("CREATE TABLE t" + t + " (id bigint PRIMARY KEY, parent bigint");
          for (int col = 2; col < 20; col++) {
            b.append(", c").append(col).append(col % 3 == 0 ? " text" : col % 3 == 1 ? " integer NOT NULL DEFAULT 0" : " timestamptz");
          }
          b.append(")");
          s.execute(b.toString());
          s.execute("CREATE INDEX t" + t + "_a ON t" + t + " (c2)");
          s.execute("CREATE INDEX t" + t + "_b ON t" + t + " (c3, c4)");
          s.execute("CREATE INDEX t" + t + "_c ON t" + t + " (lower(c3)) WHERE c4 > 0");
          if (t > 0) {
            s.execute("ALTER TABLE t" + t + " ADD CONSTRAINT t" + t + "_fk FOREIGN KEY (parent) REFERENCES t" + (t - 1) + "(id)");
          }
          if (t % 200 == 199) {
            c.commit(); // one transaction would hold more locks than the lock table has room for at 10,000 tables
          }
        }
        c.commit();
        c.setAutoCommit(true);
      }
      Planner planner = Lockplane.planner().build();
      DatabaseSchema live = null;
      long[] introspect = new long[runs];
      long[] planAll = new long[runs];
      long[] planSmall = new long[runs];
      long[] total = new long[runs];
      long[] depend = new long[runs];
      long[] warm = new long[runs];
      Plan all = null;
      Plan small = null;
      for (int r = 0; r < runs; r++) {
        long t0 = System.nanoTime();
        try (Connection c = pg.connect("bench")) {
          live = planner.introspect(c);
        }
        long t1 = System.nanoTime();
        // On a connection that has introspected before: without opening a connection and warming its
        // server process's catalog caches, what is left is the queries and this JVM's own work.
        try (Connection c = pg.connect("bench")) {
          planner.introspect(c);
          long w0 = System.nanoTime();
          planner.introspect(c);
          warm[r] = System.nanoTime() - w0;
        }
        // The pg_depend read alone, as introspection runs it: its share of introspection.
        try (Connection c = pg.connect("bench");
            org.jdbi.v3.core.Handle h = dev.lockplane.internal.planner.Rows.borrow(c)) {
          long d0 = System.nanoTime();
          dev.lockplane.internal.planner.pg.PgDependencies.read(h);
          depend[r] = System.nanoTime() - d0;
        }
        long p0 = System.nanoTime();
        DatabaseSchema desired = withExtraColumns(live);
        small = planner.plan(live, desired);
        long t2 = System.nanoTime();
        all = planner.plan(DatabaseSchema.empty(Dialect.POSTGRESQL), live);
        long t3 = System.nanoTime();
        // the extra reads above are not part of any of these
        introspect[r] = t1 - t0;
        planSmall[r] = t2 - p0;
        planAll[r] = t3 - t2;
        total[r] = introspect[r] + planSmall[r];
      }
      System.out.printf("schema: %d tables, %d columns, %d indexes, %d constraints%n", live.tables().size(),
          live.tables().stream().mapToInt(t -> t.columns().size()).sum(),
          live.tables().stream().mapToInt(t -> t.indexes().size()).sum(),
          live.tables().stream().mapToInt(t -> t.constraints().size()).sum());
      System.out.printf("introspect                         median %6d ms  (runs %s)%n", median(introspect), ms(introspect));
      System.out.printf("  of which pg_depend read           median %6d ms  (runs %s)%n", median(depend), ms(depend));
      System.out.printf("introspect again, same connection  median %6d ms  (runs %s)%n", median(warm), ms(warm));
      System.out.printf("diff+plan small change (%3d steps) median %6d ms  (runs %s)%n", small.steps().size(), median(planSmall), ms(planSmall));
      System.out.printf("introspect + diff + plan           median %6d ms  (runs %s)%n", median(total), ms(total));
      System.out.printf("diff+plan whole schema (%5d steps) median %6d ms  (runs %s)%n", all.steps().size(), median(planAll), ms(planAll));
    }
  }

  private static DatabaseSchema withExtraColumns(DatabaseSchema s) {
    List<Table> tables = new ArrayList<>();
    int i = 0;
    for (Table t : s.tables()) {
      List<Column> cols = new ArrayList<>(t.columns());
      if (i++ % 10 == 0) {
        cols.add(new Column("added", "text", false, null, null, null, null, null, null));
      }
      tables.add(t.with(cols, null));
    }
    return new DatabaseSchema(s.dialect(), s.schemas(), s.extensions(), s.enums(), s.domains(), s.compositeTypes(),
        s.sequences(), tables, s.views(), s.routines());
  }

  private static long median(long[] nanos) {
    long[] c = nanos.clone();
    Arrays.sort(c);
    return c[c.length / 2] / 1_000_000;
  }

  private static String ms(long[] nanos) {
    return Arrays.toString(Arrays.stream(nanos).map(n -> n / 1_000_000).toArray());
  }
}
