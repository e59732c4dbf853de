package dev.lockplane.internal.spring;

import dev.lockplane.spring.AutoConfigureLockplaneDatabase.Refresh;
import org.springframework.context.ApplicationContext;
import org.springframework.test.context.TestContext;
import org.springframework.test.context.support.AbstractTestExecutionListener;

/**
 * Registered in {@code META-INF/spring.factories}: resets the context's clone after each test
 * method or class, as {@code refresh} asks. Its order puts its "after" callbacks after the
 * transactional listener's rollback (Spring runs "after" callbacks in reverse order).
 */
public final class LockplaneTestExecutionListener extends AbstractTestExecutionListener {
  /** Creates the listener; Spring does this. */
  public LockplaneTestExecutionListener() {}

  @Override
  public int getOrder() {
    return 3_900; // below TransactionalTestExecutionListener's 4000
  }

  @Override
  public void afterTestMethod(TestContext testContext) {
    reset(testContext, Refresh.AFTER_EACH_TEST_METHOD);
  }

  @Override
  public void afterTestClass(TestContext testContext) {
    reset(testContext, Refresh.AFTER_CLASS);
  }

  private static void reset(TestContext testContext, Refresh when) {
    if (!testContext.hasApplicationContext()) {
      return;
    }
    ApplicationContext context = testContext.getApplicationContext();
    if (!context.containsBean(DataSourceReplacer.DATABASE_BEAN)) {
      return;
    }
    LockplaneDatabase db = context.getBean(DataSourceReplacer.DATABASE_BEAN, LockplaneDatabase.class);
    if (db.settings().refresh() == when) {
      db.reset();
    }
  }
}
