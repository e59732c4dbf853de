package dev.lockplane.spring.sample;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lockplane.spring.AutoConfigureLockplaneDatabase;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.jdbc.JdbcTest;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * The JDBC slice: its embedded-database replacement is off, the clone takes its place. The tests
 * commit (no test transaction), so that only the reset can remove what they wrote.
 */
@JdbcTest
@Import(NoteRepository.class)
@AutoConfigureLockplaneDatabase
@Transactional(propagation = Propagation.NOT_SUPPORTED)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class JdbcSliceTest {
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
