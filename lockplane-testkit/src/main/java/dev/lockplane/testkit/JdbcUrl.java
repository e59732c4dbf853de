package dev.lockplane.testkit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a {@code String} parameter or field to receive the JDBC URL of the test's clone. The user
 * and password are those of {@link dev.lockplane.clone.Clone#user()} and
 * {@link dev.lockplane.clone.Clone#password()}; inject the {@code Clone} to read them.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.FIELD, ElementType.PARAMETER})
public @interface JdbcUrl {}
