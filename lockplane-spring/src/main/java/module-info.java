/**
 * Spring Boot test integration: the application's DataSource replaced by a thin clone of a golden
 * built from its own migrations. Spring's jars are automatic modules (spring.core, spring.beans,
 * spring.context, spring.test), each with a declared Automatic-Module-Name.
 */
module dev.lockplane.spring {
  requires transitive dev.lockplane.core;
  requires java.sql;
  requires spring.core;
  requires spring.beans;
  requires spring.context;
  requires spring.test;

  exports dev.lockplane.spring;
  // Spring instantiates the factory, listener and post-processor reflectively
  exports dev.lockplane.internal.spring to spring.core, spring.beans, spring.context, spring.test;
  opens dev.lockplane.internal.spring to spring.core, spring.beans, spring.context;
}
