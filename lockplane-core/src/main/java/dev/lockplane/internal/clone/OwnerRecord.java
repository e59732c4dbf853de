package dev.lockplane.internal.clone;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lockplane.internal.postgres.Reaper;
import java.net.InetAddress;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;

/**
 * Who made a database on a server, kept as the database's comment: a small JSON object with sorted
 * keys, such as
 * {@code {"created":"…","host":"ci-7","kind":"clone","lockplane":1,"manager":"3f2a9c1b","name":"alice","pid":4711,"started":"…"}}.
 *
 * <p>A comment rather than a registry table: it needs no schema (a {@code CREATEDB} role may not be
 * allowed to create tables anywhere), it is written by the database's owner — the manager's role —
 * and it is dropped with the database, so a record can never outlive what it describes.
 *
 * @param kind {@link #CLONE}, {@link #SNAPSHOT}, {@link #BUILDING} (a golden being prepared) or
 *     {@link #GOLDEN} (a prepared golden: a cache shared by content, never an orphan)
 * @param name the clone's or snapshot's name in its manager
 * @param pid the owning process
 * @param host the owning process's host name
 * @param started the owning process's start time, as {@link Reaper#currentOwnerStart()} gives it
 * @param manager the owning manager's id
 * @param created when the database was made
 * @param kept whether the owner asked to keep the database after it closes
 * @param golden for goldens, the content hash; else {@code null}
 * @param pidNamespace the owning process's pid namespace ({@code pid:[4026531836]}), or {@code null}
 *     where there is none: containers that share a host name (host networking) see different pids
 * @param dataAt for goldens, the time their data is from (a dump's snapshot), when it differs from
 *     {@code created}; else {@code null}
 * @param from for the clones of a persistent manager the snapshot they copy, for its snapshots the
 *     clone they were taken from; else {@code null}. A later manager needs it to adopt them.
 * @param masking for masked goldens, the masking report as JSON (see {@code internal.mask.MaskingReports}); else {@code null}
 * @param subset for subset goldens, the subset report as JSON (see {@code internal.subset.SubsetReports}); else {@code null}
 */
public record OwnerRecord(
    String kind, String name, long pid, String host, String started, String manager, Instant created, boolean kept,
    String golden, String pidNamespace, Instant dataAt, String from, String masking, String subset) {
  /** A clone (a spare is one too). */
  public static final String CLONE = "clone";
  /** A snapshot's template database. */
  public static final String SNAPSHOT = "snapshot";
  /** A golden being prepared. */
  public static final String BUILDING = "building";
  /** A prepared golden. */
  public static final String GOLDEN = "golden";

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String HOST = hostName();
  private static final String PID_NAMESPACE = readPidNamespace();

  private static String readPidNamespace() {
    try {
      return java.nio.file.Files.readSymbolicLink(java.nio.file.Path.of("/proc/self/ns/pid")).toString();
    } catch (java.io.IOException | RuntimeException e) {
      return null;
    }
  }

  /**
   * Whether the owner ran where this process runs: same host name and same pid namespace, so that its
   * pid can be checked here.
   */
  public boolean sameHost() {
    return host.equals(HOST) && java.util.Objects.equals(pidNamespace, PID_NAMESPACE);
  }

  /** Returns this machine's host name, as records name it. */
  public static String currentHost() {
    return HOST;
  }

  private static String hostName() {
    String env = System.getenv("HOSTNAME");
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (java.io.IOException | RuntimeException e) {
      return env != null && !env.isBlank() ? env : "localhost";
    }
  }

  /**
   * A record of the current process for one of a manager's databases.
   *
   * @param kind the kind
   * @param name the clone's or snapshot's name
   * @param manager the manager's id
   * @return the record
   */
  public static OwnerRecord current(String kind, String name, String manager) {
    return new OwnerRecord(kind, name, ProcessHandle.current().pid(), HOST, Reaper.currentOwnerStart(), manager,
        Instant.now(), false, null, PID_NAMESPACE, null, null, null, null);
  }

  /** Returns a new manager id. */
  public static String newManagerId() {
    return UUID.randomUUID().toString().substring(0, 8);
  }

  /** Returns this record marked as kept. */
  public OwnerRecord asKept() {
    return new OwnerRecord(kind, name, pid, host, started, manager, created, true, golden, pidNamespace, dataAt, from, masking, subset);
  }

  /** Returns this record naming what the database was copied from (see {@link #from()}). */
  public OwnerRecord from(String source) {
    return new OwnerRecord(kind, name, pid, host, started, manager, created, kept, golden, pidNamespace, dataAt, source, masking, subset);
  }

  /** Returns this record as a prepared golden of the given content, whose data is from {@code dataAt}. */
  public OwnerRecord asGolden(String contentHash, Instant at, Instant dataAt) {
    return new OwnerRecord(GOLDEN, name, pid, host, started, manager, at, false, contentHash, pidNamespace,
        dataAt == null || dataAt.equals(at) ? null : dataAt, from, masking, subset);
  }

  /**
   * Returns this record with the reports of a prepared golden.
   *
   * @param maskingReport the masking report as JSON, or null when the golden is not masked
   * @param subsetReport the subset report as JSON, or null when the golden is not a subset
   * @return the record
   */
  public OwnerRecord withReports(String maskingReport, String subsetReport) {
    return new OwnerRecord(kind, name, pid, host, started, manager, created, kept, golden, pidNamespace, dataAt, from,
        maskingReport, subsetReport);
  }

  /** Returns the time the database's data is from: {@code dataAt}, else {@code created}. */
  public Instant dataStateAt() {
    return dataAt == null ? created : dataAt;
  }

  /** Returns the record as JSON with sorted keys. */
  public String toJson() {
    Map<String, Object> m = new TreeMap<>();
    m.put("lockplane", 1);
    m.put("kind", kind);
    m.put("name", name);
    m.put("pid", pid);
    m.put("host", host);
    m.put("started", started);
    m.put("manager", manager);
    m.put("created", created.toString());
    if (kept) {
      m.put("kept", true);
    }
    if (golden != null) {
      m.put("golden", golden);
    }
    if (pidNamespace != null) {
      m.put("pidns", pidNamespace);
    }
    if (dataAt != null) {
      m.put("data", dataAt.toString());
    }
    if (from != null) {
      m.put("from", from);
    }
    putJson(m, "masking", masking);
    putJson(m, "subset", subset);
    try {
      return JSON.writeValueAsString(m);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void putJson(Map<String, Object> m, String key, String json) {
    if (json != null) {
      try {
        m.put(key, JSON.readTree(json));
      } catch (JsonProcessingException e) {
        throw new IllegalStateException(e);
      }
    }
  }

  /**
   * Reads a database comment.
   *
   * @param comment the comment, or null
   * @return the record, or empty when the comment is not a Lockplane record
   */
  public static Optional<OwnerRecord> parse(String comment) {
    if (comment == null || !comment.startsWith("{")) {
      return Optional.empty();
    }
    try {
      JsonNode n = JSON.readTree(comment);
      if (n == null || !n.has("lockplane") || !n.has("kind")) {
        return Optional.empty();
      }
      return Optional.of(new OwnerRecord(
          n.path("kind").asText(), n.path("name").asText(""), n.path("pid").asLong(-1), n.path("host").asText(""),
          n.path("started").asText(""), n.path("manager").asText(""), Instant.parse(n.path("created").asText()),
          n.path("kept").asBoolean(false), n.hasNonNull("golden") ? n.path("golden").asText() : null,
          n.hasNonNull("pidns") ? n.path("pidns").asText() : null,
          n.hasNonNull("data") ? Instant.parse(n.path("data").asText()) : null,
          n.hasNonNull("from") ? n.path("from").asText() : null,
          n.hasNonNull("masking") ? n.path("masking").toString() : null,
          n.hasNonNull("subset") ? n.path("subset").toString() : null));
    } catch (JsonProcessingException | RuntimeException e) {
      return Optional.empty();
    }
  }
}
