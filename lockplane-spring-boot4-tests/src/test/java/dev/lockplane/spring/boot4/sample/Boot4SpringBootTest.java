package dev.lockplane.spring.boot4.sample;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lockplane.spring.AutoConfigureLockplaneDatabase;
import javax.sql.DataSource;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ApplicationContext;

/**
 * The whole Spring Boot 4 application on a clone of its Flyway golden, reset after every test
 * method; Boot's own Flyway run is off, so the context has no Flyway bean.
 */
@SpringBootTest
@AutoConfigureLockplaneDatabase
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class Boot4SpringBootTest {
  @Autowired NoteRepository notes;
  @Autowired NoteEntities entities;
  @Autowired DataSource dataSource;
  @Autowired ApplicationContext context;

  @Test
  @Order(1)
  void theMigrationsRanWithTheApplicationsPlaceholders() {
    assertThat(dataSource.toString()).startsWith("Lockplane clone");
    assertThat(context.getBeanNamesForType(org.flywaydb.core.Flyway.class)).isEmpty();
    assertThat(notes.all()).extracting(Note::text).containsExactly("hello world", "second note");
    notes.add("written by the first test");
    assertThat(entities.count()).isEqualTo(3);
  }

  @Test
  @Order(2)
  void whatTheFirstTestWroteIsGone() {
    assertThat(notes.all()).extracting(Note::text).containsExactly("hello world", "second note");
  }
}
