/** The {@code lockplane} command line over every module. */
module dev.lockplane.cli {
  requires dev.lockplane.api;
  requires dev.lockplane.core;
  requires dev.lockplane.planner;
  requires dev.lockplane.backup;
  requires com.fasterxml.jackson.databind;

  exports dev.lockplane.cli;
}
