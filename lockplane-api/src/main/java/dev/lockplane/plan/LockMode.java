package dev.lockplane.plan;

import java.util.Locale;

/**
 * PostgreSQL's table-level lock modes, weakest first. {@link #compareTo} orders by strength in the
 * sense of "conflicts with more": a later mode conflicts with everything an earlier one conflicts with.
 */
public enum LockMode {
  /** Taken by SELECT; conflicts only with ACCESS EXCLUSIVE. */
  ACCESS_SHARE("AccessShareLock"),
  /** Taken by SELECT FOR UPDATE/SHARE. */
  ROW_SHARE("RowShareLock"),
  /** Taken by INSERT, UPDATE, DELETE. */
  ROW_EXCLUSIVE("RowExclusiveLock"),
  /** Taken by VACUUM, ANALYZE, CREATE INDEX CONCURRENTLY, VALIDATE CONSTRAINT; allows reads and writes. */
  SHARE_UPDATE_EXCLUSIVE("ShareUpdateExclusiveLock"),
  /** Taken by CREATE INDEX; blocks writes, allows reads. */
  SHARE("ShareLock"),
  /** Taken by CREATE TRIGGER and ADD FOREIGN KEY; blocks writes, allows reads. */
  SHARE_ROW_EXCLUSIVE("ShareRowExclusiveLock"),
  /** Taken by REFRESH MATERIALIZED VIEW CONCURRENTLY; allows only plain reads. */
  EXCLUSIVE("ExclusiveLock"),
  /** Taken by most ALTER TABLE forms, DROP, TRUNCATE, VACUUM FULL; blocks everything, reads included. */
  ACCESS_EXCLUSIVE("AccessExclusiveLock");

  private static final boolean[][] CONFLICTS = conflicts();

  private final String pgLocksName;

  LockMode(String pgLocksName) {
    this.pgLocksName = pgLocksName;
  }

  /** Returns the name PostgreSQL's documentation uses, such as {@code ACCESS EXCLUSIVE}. */
  public String sqlName() {
    return name().replace('_', ' ');
  }

  /** Returns the name in {@code pg_locks.mode}, such as {@code AccessExclusiveLock}. */
  public String pgLocksName() {
    return pgLocksName;
  }

  /** Returns whether a holder of this mode makes plain {@code SELECT}s on the relation wait. */
  public boolean blocksReads() {
    return conflictsWith(ACCESS_SHARE);
  }

  /** Returns whether a holder of this mode makes {@code INSERT/UPDATE/DELETE} on the relation wait. */
  public boolean blocksWrites() {
    return conflictsWith(ROW_EXCLUSIVE);
  }

  /**
   * Returns whether this mode conflicts with another (PostgreSQL's conflict table).
   *
   * @param other the other mode
   * @return whether the two cannot be held at once by different transactions
   */
  public boolean conflictsWith(LockMode other) {
    return CONFLICTS[ordinal()][other.ordinal()];
  }

  /**
   * Parses a mode from {@code pg_locks.mode} ({@code ShareLock}) or the SQL name ({@code SHARE},
   * {@code share row exclusive}).
   *
   * @param text the name
   * @return the mode
   * @throws IllegalArgumentException if the text names no table-level lock mode
   */
  public static LockMode parse(String text) {
    String t = text.strip();
    for (LockMode m : values()) {
      if (m.pgLocksName.equalsIgnoreCase(t) || m.sqlName().equalsIgnoreCase(t) || m.name().equalsIgnoreCase(t)) {
        return m;
      }
    }
    throw new IllegalArgumentException("not a table lock mode: '" + text + "' (expected e.g. "
        + ACCESS_EXCLUSIVE.pgLocksName + " or " + ACCESS_EXCLUSIVE.sqlName().toLowerCase(Locale.ROOT) + ")");
  }

  /** Returns the stronger of two modes. */
  public static LockMode max(LockMode a, LockMode b) {
    return a.compareTo(b) >= 0 ? a : b;
  }

  private static boolean[][] conflicts() {
    // Rows and columns in declaration order; from the "Conflicting Lock Modes" table of the manual.
    String[] rows = {
        "00000001",
        "00000011",
        "00001111",
        "00011111",
        "00110111",
        "00111111",
        "01111111",
        "11111111"};
    boolean[][] c = new boolean[8][8];
    for (int i = 0; i < 8; i++) {
      for (int j = 0; j < 8; j++) {
        c[i][j] = rows[i].charAt(j) == '1';
      }
    }
    return c;
  }
}
