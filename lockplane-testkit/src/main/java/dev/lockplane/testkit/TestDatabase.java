package dev.lockplane.testkit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a field to receive a clone of the golden database: a {@link javax.sql.DataSource}, a
 * {@link java.sql.Connection}, a {@code org.jdbi.v3.core.Jdbi}, a {@link dev.lockplane.clone.Clone},
 * or (with {@link JdbcUrl}) a {@code String} URL. An instance field gets the test's own clone; a
 * static field gets one clone shared by every test of the class. The field must not be final.
 *
 * <p>Test method parameters of those types need no annotation.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.FIELD, ElementType.PARAMETER})
public @interface TestDatabase {}
