/**
 * The planner: read a live database, read the desired state (SQL files or Lockplane JSON), plan
 * the difference, apply it with a history record, detect drift. Start at {@link
 * dev.lockplane.planner.Lockplane#planner()}.
 */
package dev.lockplane.planner;
