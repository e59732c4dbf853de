package dev.lockplane.internal.spring;

import javax.sql.DataSource;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.BeanDefinitionRegistryPostProcessor;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.core.Ordered;

/**
 * Points every other {@link DataSource} bean definition — one the application declares itself —
 * at the context's clone. It runs after the configuration classes are read (it is not
 * priority-ordered), so it sees the application's and the auto-configuration's definitions.
 */
public final class DataSourceReplacer implements BeanDefinitionRegistryPostProcessor, Ordered {
  /** The bean that holds the context's clone. */
  public static final String DATABASE_BEAN = "lockplaneDatabase";
  /** The clone's data source, the primary one. */
  public static final String DATA_SOURCE_BEAN = "lockplaneDataSource";

  /** Creates the post-processor; Spring does this. */
  public DataSourceReplacer() {}

  @Override
  public void postProcessBeanDefinitionRegistry(BeanDefinitionRegistry registry) {
    String[] names = ((ConfigurableListableBeanFactory) registry).getBeanNamesForType(DataSource.class, true, false);
    for (String name : names) {
      if (!name.equals(DATA_SOURCE_BEAN)) {
        registry.removeBeanDefinition(name);
        registry.registerBeanDefinition(name, cloneDataSource(false));
      }
    }
  }

  /** A data source bean made by the clone's holder. */
  static RootBeanDefinition cloneDataSource(boolean primary) {
    RootBeanDefinition ds = new RootBeanDefinition();
    ds.setFactoryBeanName(DATABASE_BEAN);
    ds.setFactoryMethodName("dataSource");
    ds.setPrimary(primary);
    return ds;
  }

  @Override
  public void postProcessBeanFactory(ConfigurableListableBeanFactory beanFactory) {
    // everything happens on the registry
  }

  @Override
  public int getOrder() {
    return Ordered.LOWEST_PRECEDENCE;
  }
}
