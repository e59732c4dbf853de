package dev.lockplane.internal.spring;

import java.util.Map;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.test.context.ContextCustomizer;
import org.springframework.test.context.MergedContextConfiguration;

/**
 * Turns off what the clone makes redundant — Spring's own Flyway and Liquibase runs, and the
 * test slices' embedded-database replacement — and registers the clone's data source, and the
 * post-processor that puts it in place of the application's own data sources.
 *
 * @param settings the annotation's settings
 * @param testClass the test class whose context this is, or {@code null} when contexts are shared
 */
record LockplaneContextCustomizer(DatabaseSettings settings, String testClass) implements ContextCustomizer {
  /** The name of the property source this adds, highest in precedence. */
  static final String PROPERTY_SOURCE = "lockplane";

  @Override
  public void customizeContext(ConfigurableApplicationContext context, MergedContextConfiguration config) {
    context.getEnvironment().getPropertySources().addFirst(new MapPropertySource(PROPERTY_SOURCE, Map.of(
        "spring.flyway.enabled", "false",
        "spring.liquibase.enabled", "false",
        "spring.test.database.replace", "none")));
    if (!(context.getBeanFactory() instanceof BeanDefinitionRegistry registry)) {
      throw new IllegalStateException("The test's bean factory " + context.getBeanFactory().getClass().getName()
          + " cannot register bean definitions, so Lockplane cannot replace its DataSource.");
    }
    // registered before the configuration classes are read, so that the auto-configuration's
    // data source backs off and JdbcTemplate, the transaction manager and JPA see this one
    RootBeanDefinition database = new RootBeanDefinition(LockplaneDatabase.class);
    ConfigurableEnvironment env = context.getEnvironment();
    database.setInstanceSupplier(() -> LockplaneDatabase.open(settings, env));
    registry.registerBeanDefinition(DataSourceReplacer.DATABASE_BEAN, database);
    registry.registerBeanDefinition(DataSourceReplacer.DATA_SOURCE_BEAN, DataSourceReplacer.cloneDataSource(true));
    RootBeanDefinition replacer = new RootBeanDefinition(DataSourceReplacer.class);
    replacer.setRole(RootBeanDefinition.ROLE_INFRASTRUCTURE);
    registry.registerBeanDefinition(DataSourceReplacer.class.getName(), replacer);
  }
}
