package dev.lockplane.internal.postgres;

/**
 * What the runtime directory records about a running server, so that a later JVM can stop a server
 * whose owner died.
 *
 * @param ownerPid the pid of the JVM that started the server
 * @param ownerStart the start instant of that JVM (guards against pid reuse), as text
 * @param postmasterPid the server's pid
 * @param port the server's port
 * @param dataDirectory the data directory
 * @param ephemeral whether the data directory is removed with the server
 */
public record InstanceRecord(
    long ownerPid,
    String ownerStart,
    long postmasterPid,
    int port,
    String dataDirectory,
    boolean ephemeral) {}
