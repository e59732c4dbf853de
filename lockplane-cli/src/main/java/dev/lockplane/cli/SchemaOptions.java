package dev.lockplane.cli;

import dev.lockplane.planner.Desired;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --schema} and {@code --scratch-url}: the desired state, and where its SQL is run to be read back. */
final class SchemaOptions {
  @Option(names = "--schema", paramLabel = "FILE|DIR",
      description = "The desired state: a .sql file, a directory of .sql files, or a Lockplane .json file.")
  Path schema;

  @Option(names = "--scratch-url", paramLabel = "URL", description = {
      "A PostgreSQL server for scratch databases (the user needs CREATEDB); same credentials as --url.",
      "Default: an embedded server of the target's major version."})
  String scratchUrl;

  Desired desired() {
    return schema.toString().endsWith(".json") ? Desired.json(schema) : Desired.sqlFiles(schema);
  }
}
