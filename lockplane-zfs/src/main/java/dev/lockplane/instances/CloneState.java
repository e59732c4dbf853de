package dev.lockplane.instances;

/** Where an instance-level clone is in its life. */
public enum CloneState {
  /** Its volume is being cloned and its server started. */
  CREATING,
  /** Its server accepts connections. */
  OK,
  /** Its server is stopped while its volume goes back to a snapshot. */
  RESETTING,
  /** Its server is being stopped and its volume destroyed. */
  DELETING,
  /** Its server failed or stopped unexpectedly; {@link InstanceClone#failure()} says why. Destroy or reset it. */
  FATAL
}
