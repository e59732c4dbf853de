package dev.lockplane.plan;

/** How much care a step needs, from harmless to "do not run as is". */
public enum RiskClass {
  /** Brief lock, no scan or rewrite, no data loss: run it. */
  SAFE,
  /** Holds a lock while it scans or builds, or changes behaviour: look at the estimate before running. */
  REVIEW,
  /** Loses data (a dropped column or table, a truncated table). */
  LOSSY,
  /** Blocks reads or writes for a time that grows with the table (a rewrite), or fails on real data. */
  DANGEROUS,
  /** Breaks running clients unless done in phases (expand, migrate, contract). */
  MULTI_PHASE
}
