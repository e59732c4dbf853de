/** The {@code lockplane} command line over every module. */
module dev.lockplane.cli {
  requires dev.lockplane.api;
  requires dev.lockplane.core;
  requires dev.lockplane.planner;
  requires dev.lockplane.backup;
  requires dev.lockplane.zfs;
  requires com.fasterxml.jackson.databind;
  requires com.fasterxml.jackson.dataformat.toml;
  requires info.picocli;
  requires java.logging;
  requires org.postgresql.jdbc;

  exports dev.lockplane.cli;

  // picocli reads the commands' annotated fields and creates the command objects reflectively.
  opens dev.lockplane.cli to info.picocli;
}
