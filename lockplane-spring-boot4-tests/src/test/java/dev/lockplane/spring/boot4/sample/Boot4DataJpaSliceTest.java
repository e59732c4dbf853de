package dev.lockplane.spring.boot4.sample;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lockplane.spring.AutoConfigureLockplaneDatabase;
import javax.sql.DataSource;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.data.jpa.test.autoconfigure.DataJpaTest;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * Boot 4's JPA slice (now in spring-boot-data-jpa-test) on Hibernate 7: Hibernate validates its
 * mapping against the clone of the Flyway golden, and a committed write is gone after the reset.
 */
@DataJpaTest(properties = "spring.jpa.hibernate.ddl-auto=validate")
@AutoConfigureLockplaneDatabase
@Transactional(propagation = Propagation.NOT_SUPPORTED)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class Boot4DataJpaSliceTest {
  @Autowired NoteEntities notes;
  @Autowired DataSource dataSource;

  @Test
  @Order(1)
  void entitiesAreReadFromTheCloneAndWritesCommit() {
    assertThat(dataSource.toString()).startsWith("Lockplane clone");
    assertThat(notes.findAll()).extracting(NoteEntity::getText).containsExactlyInAnyOrder("hello world", "second note");
    NoteEntity saved = notes.save(new NoteEntity("written through JPA"));
    assertThat(saved.getId()).isEqualTo(3L);
    assertThat(notes.count()).isEqualTo(3);
  }

  @Test
  @Order(2)
  void theResetTookTheWriteAway() {
    assertThat(notes.findAll()).extracting(NoteEntity::getText).containsExactlyInAnyOrder("hello world", "second note");
  }
}
