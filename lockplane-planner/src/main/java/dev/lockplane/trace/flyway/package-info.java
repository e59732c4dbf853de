/**
 * The Flyway callback that traces each migration as Flyway runs it and fails one whose findings
 * reach a {@link dev.lockplane.trace.TracePolicy}'s risk. Needs Flyway on the class path.
 */
package dev.lockplane.trace.flyway;
