package dev.lockplane.trace.liquibase;

import dev.lockplane.trace.TracePolicy;
import dev.lockplane.trace.TraceReport;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import javax.sql.DataSource;
import liquibase.Liquibase;
import liquibase.integration.spring.Customizer;
import liquibase.integration.spring.SpringLiquibase;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.config.BeanPostProcessor;

/**
 * Adds a {@link LockplaneLiquibaseListener} to every {@link SpringLiquibase} bean of a Spring
 * application — the one Spring Boot's Liquibase auto-configuration makes from {@code
 * spring.liquibase.*}, or one the application declares — so that each change set is traced as
 * Liquibase runs it at start-up, and the update (and so the application's start) fails before a
 * change set whose findings reach the policy's risk commits. {@code SpringLiquibase} has no listener
 * setting of its own: the hook sets its {@link Customizer}, after the one the bean already has, and
 * the customizer gives each update's {@link Liquibase} a listener on the bean's data source.
 *
 * <p>Declare it with a {@code static} bean method, as Spring wants of bean post-processors:
 *
 * <pre>
 * &#64;Bean
 * static LockplaneSpringLiquibaseHook lockplaneLiquibase() {
 *   return LockplaneSpringLiquibaseHook.of(TracePolicy.builder().failAt(RiskClass.DANGEROUS).build());
 * }
 * </pre>
 *
 * <p>The listener of a bean ends (writes its report file and closes its second connection) when the
 * bean's update has run; after a failed update, when the context is closed. Needs Liquibase 4.x with
 * its Spring integration, and Spring Framework 6 or 7 (Spring Boot 3 or 4).
 */
public final class LockplaneSpringLiquibaseHook implements BeanPostProcessor, DisposableBean {
  private final TracePolicy policy;
  /** The listeners of updates that have not ended yet, by bean name. */
  private final Map<String, LockplaneLiquibaseListener> running = new ConcurrentHashMap<>();
  private volatile LockplaneLiquibaseListener last;

  private LockplaneSpringLiquibaseHook(TracePolicy policy) {
    this.policy = policy;
  }

  /**
   * Creates the hook.
   *
   * @param policy when to fail and where to write the report
   * @return the hook, to be declared as a bean
   */
  public static LockplaneSpringLiquibaseHook of(TracePolicy policy) {
    return new LockplaneSpringLiquibaseHook(Objects.requireNonNull(policy, "policy"));
  }

  /**
   * Returns what the last update (or the running one, so far) did.
   *
   * @return the report, empty before the first change set of any {@code SpringLiquibase} bean
   */
  public Optional<TraceReport> report() {
    LockplaneLiquibaseListener l = last;
    return l == null ? Optional.empty() : l.report();
  }

  /**
   * Gives a {@code SpringLiquibase} bean the customizer that adds the listener, before Spring
   * initializes it (which is when it updates the database); other beans pass unchanged.
   *
   * @param bean the bean
   * @param beanName its name
   * @return the same bean
   */
  @Override
  public Object postProcessBeforeInitialization(Object bean, String beanName) {
    if (bean instanceof SpringLiquibase liquibase) {
      Customizer<Liquibase> previous = liquibase.getCustomizer();
      liquibase.setCustomizer(update -> {
        if (previous != null) {
          previous.customize(update);
        }
        update.setChangeExecListener(listener(beanName, liquibase.getDataSource()));
      });
    }
    return bean;
  }

  /**
   * Ends the listener of a {@code SpringLiquibase} bean whose update has run.
   *
   * @param bean the bean
   * @param beanName its name
   * @return the same bean
   */
  @Override
  public Object postProcessAfterInitialization(Object bean, String beanName) {
    if (bean instanceof SpringLiquibase) {
      end(beanName);
    }
    return bean;
  }

  /** Ends the listeners of updates that failed: Spring destroys the context's beans when its start fails. */
  @Override
  public void destroy() {
    running.keySet().forEach(this::end);
  }

  private LockplaneLiquibaseListener listener(String beanName, DataSource dataSource) {
    // a bean that updates again (its afterPropertiesSet called by hand) starts a new run
    end(beanName);
    LockplaneLiquibaseListener listener = LockplaneLiquibaseListener.of(policy, dataSource);
    running.put(beanName, listener);
    last = listener;
    return listener;
  }

  private void end(String beanName) {
    LockplaneLiquibaseListener listener = running.remove(beanName);
    if (listener != null) {
      listener.close();
    }
  }
}
