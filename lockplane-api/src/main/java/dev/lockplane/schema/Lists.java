package dev.lockplane.schema;

import java.util.List;

/** Null-tolerant immutable copies, so that JSON documents may omit empty lists. */
final class Lists {
  private Lists() {}

  static <T> List<T> copy(List<T> list) {
    return list == null ? List.of() : List.copyOf(list);
  }
}
