package dev.lockplane.cli;

import dev.lockplane.backup.Backup;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/** A backup as a JSON object for --format json. */
final class BackupJson {
  private BackupJson() {}

  static Map<String, Object> of(Backup b) {
    Map<String, Object> m = new TreeMap<>();
    m.put("id", b.id());
    m.put("kind", b.kind().name().toLowerCase(Locale.ROOT));
    m.put("started", String.valueOf(b.startTime()));
    m.put("finished", String.valueOf(b.stopTime()));
    m.put("tags", b.tags());
    m.put("databases", b.databases());
    m.put("serverVersion", b.serverVersion());
    m.put("size", b.size());
    m.put("storedSize", b.storedSize());
    m.put("objects", b.objects());
    m.put("keyId", b.keyId() < 0 ? null : Long.toUnsignedString(b.keyId()));
    m.put("parent", b.parentId().orElse(null));
    m.put("type", b.incremental() ? "incremental" : "full");
    m.put("verified", b.lastVerified().map(Object::toString).orElse(null));
    m.put("rowCounts", new TreeMap<>(b.rowCounts()));
    return m;
  }
}
