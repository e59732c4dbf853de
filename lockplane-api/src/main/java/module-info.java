/**
 * The public types of Lockplane: clone and snapshot handles, golden-database descriptions, the
 * exception root and its error codes. Implementations live in {@code lockplane-core} and the other
 * modules; this module has no third-party dependencies.
 */
module dev.lockplane.api {
  requires transitive java.sql;

  exports dev.lockplane;
  exports dev.lockplane.clone;
  exports dev.lockplane.golden;
  exports dev.lockplane.plan;
  exports dev.lockplane.schema;
}
