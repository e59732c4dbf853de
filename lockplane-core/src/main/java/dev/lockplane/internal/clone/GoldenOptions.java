package dev.lockplane.internal.clone;

import java.nio.file.Path;
import java.time.Duration;

/**
 * How a database-level manager keeps its golden fresh, and what it knows of the server's binaries.
 *
 * @param refreshEvery how often to rebuild the golden from its source in the background, or null for never
 * @param warnWhenOlderThan the data age past which creating a clone logs a warning, or null for never
 * @param serverBinDirectory the bin directory of the server's binaries when this library runs it, or null
 */
public record GoldenOptions(Duration refreshEvery, Duration warnWhenOlderThan, Path serverBinDirectory) {
  /** No refresh, no warning, a server reached over the network. */
  public static final GoldenOptions NONE = new GoldenOptions(null, null, null);
}
