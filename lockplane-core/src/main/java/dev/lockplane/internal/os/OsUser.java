package dev.lockplane.internal.os;

/**
 * An operating-system account that PostgreSQL processes run as.
 *
 * @param name the user name
 * @param uid the numeric user id
 * @param gid the numeric primary group id
 */
public record OsUser(String name, int uid, int gid) {}
