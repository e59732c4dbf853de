package dev.lockplane.safety;

/** How a report is rendered. */
public enum ReportFormat {
  /** Plain text for terminals. */
  TEXT,
  /** JSON for machines, with sorted keys. */
  JSON,
  /** Markdown for pull-request comments. */
  MARKDOWN
}
