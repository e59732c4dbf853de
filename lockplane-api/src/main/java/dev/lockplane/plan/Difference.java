package dev.lockplane.plan;

import java.util.Objects;

/**
 * One object that differs between a live database and the desired state.
 *
 * @param kind whether the object is extra, missing or different in the live database
 * @param objectType the object type, e.g. {@code column}
 * @param name the object's qualified name, e.g. {@code public.users.email}
 * @param detail for a different object, what differs, e.g. {@code type: text -> varchar(20)}; else null
 */
public record Difference(Kind kind, String objectType, String name, String detail) {
  /** Validates the record. */
  public Difference {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(objectType, "objectType");
    Objects.requireNonNull(name, "name");
  }

  /** How an object differs. */
  public enum Kind {
    /** In the live database but not in the desired state. */
    EXTRA,
    /** In the desired state but not in the live database. */
    MISSING,
    /** In both, with different properties. */
    DIFFERENT
  }

  /** Returns one line describing the difference. */
  public String toText() {
    return kind.name().toLowerCase(java.util.Locale.ROOT) + " " + objectType + " " + name
        + (detail == null ? "" : ": " + detail);
  }
}
