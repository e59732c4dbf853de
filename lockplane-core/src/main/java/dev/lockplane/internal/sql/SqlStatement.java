package dev.lockplane.internal.sql;

/**
 * One statement of a script.
 *
 * @param sql the statement text, without the terminating semicolon
 * @param line the 1-based line of the script where the statement starts
 */
public record SqlStatement(String sql, int line) {}
