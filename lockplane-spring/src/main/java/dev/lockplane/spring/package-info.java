/**
 * Spring Boot test integration: {@link dev.lockplane.spring.AutoConfigureLockplaneDatabase} gives a
 * test's application context a thin clone of a golden built from the application's own
 * migrations, reset between tests.
 */
package dev.lockplane.spring;
