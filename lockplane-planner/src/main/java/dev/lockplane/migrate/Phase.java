package dev.lockplane.migrate;

import java.util.Locale;

/** The three phases of an expand / contract change, in the order they run. */
public enum Phase {
  /** Additive, compatible changes: both the old and the new application version work afterwards. */
  EXPAND,
  /** The backfill that brings existing rows into the new shape, in key-range batches. */
  MIGRATE,
  /** Removal of the old shape, once no old application version runs. */
  CONTRACT;

  /** Returns the lower-case name recorded in the state table ({@code expand}, {@code migrate}, {@code contract}). */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
