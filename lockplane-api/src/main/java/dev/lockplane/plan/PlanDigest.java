package dev.lockplane.plan;

import dev.lockplane.schema.Dialect;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/** The canonical form of a plan's runnable content and its SHA-256; see {@link Plan#computeDigest()}. */
final class PlanDigest {
  private PlanDigest() {}

  static String of(Dialect dialect, String sourceHash, String targetHash, List<Step> steps, List<Step> rollback) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    field(out, "lockplane-plan-digest-1");
    field(out, dialect.name());
    field(out, sourceHash);
    field(out, targetHash);
    section(out, "steps", steps == null ? List.of() : steps);
    section(out, "rollback", rollback == null ? List.of() : rollback);
    try {
      return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(out.toByteArray()));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every Java platform", e);
    }
  }

  private static void section(ByteArrayOutputStream out, String name, List<Step> steps) {
    field(out, name);
    field(out, Integer.toString(steps.size()));
    int n = 0;
    for (Step s : steps) {
      field(out, Integer.toString(n++));
      field(out, s.operation());
      field(out, s.description());
      field(out, s.transactional() ? "transactional" : "alone");
      field(out, s.destructive() ? "destructive" : "keeps-data");
      field(out, s.reversible() ? "reversible" : "irreversible");
      field(out, s.renamedFrom() == null ? "" : s.renamedFrom());
      field(out, Integer.toString(s.objects().size()));
      s.objects().forEach(o -> field(out, o));
      field(out, Integer.toString(s.sql().size()));
      s.sql().forEach(sql -> field(out, sql));
    }
  }

  /** Writes the byte length, a colon, the bytes and a newline: no two field lists share an encoding. */
  private static void field(ByteArrayOutputStream out, String value) {
    byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
    out.writeBytes((bytes.length + ":").getBytes(StandardCharsets.US_ASCII));
    out.writeBytes(bytes);
    out.write('\n');
  }
}
