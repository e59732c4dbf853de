package dev.lockplane.spring.sample;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lockplane.spring.AutoConfigureLockplaneDatabase;
import javax.sql.DataSource;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

/** The whole sample application on a clone of its Flyway golden, reset after every test method. */
@SpringBootTest
@AutoConfigureLockplaneDatabase
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SpringBootSampleTest {
  @Autowired NoteRepository notes;
  @Autowired DataSource dataSource;

  @Test
  @Order(1)
  void theMigrationsRanWithTheApplicationsPlaceholders() {
    assertThat(dataSource.toString()).startsWith("Lockplane clone");
    assertThat(notes.all()).extracting(Note::text).containsExactly("hello world", "second note");
    notes.add("written by the first test");
    assertThat(notes.all()).hasSize(3);
  }

  @Test
  @Order(2)
  void whatTheFirstTestWroteIsGone() {
    assertThat(notes.all()).extracting(Note::text).containsExactly("hello world", "second note");
  }
}
