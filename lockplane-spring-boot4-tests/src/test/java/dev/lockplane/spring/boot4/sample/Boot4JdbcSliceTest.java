package dev.lockplane.spring.boot4.sample;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lockplane.spring.AutoConfigureLockplaneDatabase;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.jdbc.test.autoconfigure.JdbcTest;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * Boot 4's JDBC slice (now in spring-boot-jdbc-test): its embedded-database replacement is off and
 * there is no embedded database on the class path; the tests commit, so only the reset removes what
 * they wrote.
 */
@JdbcTest
@Import(NoteRepository.class)
@AutoConfigureLockplaneDatabase
@Transactional(propagation = Propagation.NOT_SUPPORTED)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class Boot4JdbcSliceTest {
  @Autowired NoteRepository notes;
  @Autowired JdbcTemplate jdbc;

  @Test
  @Order(1)
  void writes() {
    jdbc.execute("CREATE TABLE scratch (x int)");
    notes.add("committed");
    assertThat(notes.all()).hasSize(3);
  }

  @Test
  @Order(2)
  void seesTheGoldenAgain() {
    assertThat(notes.all()).hasSize(2);
    assertThat(jdbc.queryForObject("SELECT count(*) FROM pg_tables WHERE tablename = 'scratch'", Integer.class)).isZero();
  }
}
