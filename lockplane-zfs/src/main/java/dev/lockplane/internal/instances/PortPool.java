package dev.lockplane.internal.instances;

import dev.lockplane.CloneException;
import dev.lockplane.ErrorCode;
import dev.lockplane.internal.postgres.Postmasters;
import java.util.HashSet;
import java.util.Set;

/** The ports clones may listen on: a port is handed out once, and skipped while another process binds it. */
final class PortPool {
  private final int from;
  private final int to;
  private final Set<Integer> taken = new HashSet<>();

  PortPool(int from, int to) {
    this.from = from;
    this.to = to;
  }

  /** Marks a port as used by a clone found in the registry. */
  synchronized void claim(int port) {
    taken.add(port);
  }

  /** Returns whether a port is free for us and on the machine, and takes it if so. */
  synchronized boolean tryTake(int port) {
    if (port < from || port > to || taken.contains(port) || !Postmasters.portFree(port)) {
      return false;
    }
    taken.add(port);
    return true;
  }

  /** Takes the lowest free port. */
  synchronized int take(String clone) {
    for (int p = from; p <= to; p++) {
      if (!taken.contains(p) && Postmasters.portFree(p)) {
        taken.add(p);
        return p;
      }
    }
    throw new CloneException(
        ErrorCode.PORT_IN_USE,
        clone,
        "No free port for clone " + clone + ": all " + (to - from + 1) + " ports of the pool " + from + "-" + to
            + " are used (" + taken.size() + " by clones, the rest by other processes). Destroy clones or"
            + " widen portRange(...).",
        null);
  }

  synchronized void release(int port) {
    taken.remove(port);
  }
}
