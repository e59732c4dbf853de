package dev.lockplane.internal.spring;

import dev.lockplane.spring.AutoConfigureLockplaneDatabase;
import java.util.List;
import org.springframework.test.context.ContextConfigurationAttributes;
import org.springframework.test.context.ContextCustomizer;
import org.springframework.test.context.ContextCustomizerFactory;
import org.springframework.test.context.TestContextAnnotationUtils;

/** Registered in {@code META-INF/spring.factories}: applies {@link AutoConfigureLockplaneDatabase} to a test's context. */
public final class LockplaneContextCustomizerFactory implements ContextCustomizerFactory {
  /** Creates the factory; Spring does this. */
  public LockplaneContextCustomizerFactory() {}

  @Override
  public ContextCustomizer createContextCustomizer(Class<?> testClass, List<ContextConfigurationAttributes> attributes) {
    AutoConfigureLockplaneDatabase a = TestContextAnnotationUtils.findMergedAnnotation(testClass, AutoConfigureLockplaneDatabase.class);
    if (a == null) {
      return null;
    }
    // the test class in the key gives each class a context (and clone) of its own
    return new LockplaneContextCustomizer(DatabaseSettings.of(a), a.sharedContext() ? null : testClass.getName());
  }
}
