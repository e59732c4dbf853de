/**
 * The Liquibase listener that traces each change set as Liquibase runs it and aborts the update when
 * its findings reach a {@link dev.lockplane.trace.TracePolicy}'s risk. Needs Liquibase on the class path.
 */
package dev.lockplane.trace.liquibase;
