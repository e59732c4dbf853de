package dev.lockplane.testkit;

import static dev.lockplane.testkit.Db.count;
import static dev.lockplane.testkit.Db.exec;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lockplane.clone.Clone;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/** A static field shares one clone across the class; parameters still get a clone per test. */
@LockplaneTest(scripts = "db/shop.sql")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SharedStaticCloneTest {
  @TestDatabase static DataSource shared;
  @TestDatabase static Clone sharedClone;
  static String beforeAllUrl;

  @BeforeAll
  static void beforeAll(@JdbcUrl String url) {
    beforeAllUrl = url;
  }

  @Test
  @Order(1)
  void firstWritesToTheSharedClone(DataSource own) throws Exception {
    assertThat(beforeAllUrl).isEqualTo(sharedClone.jdbcUrl());
    exec(shared, "INSERT INTO customers VALUES (1000, 'shared')");
    exec(own, "INSERT INTO customers VALUES (2000, 'own')");
  }

  @Test
  @Order(2)
  void secondSeesTheSharedWriteButNotTheOtherTestsOwnClone(DataSource own, Clone ownClone) throws Exception {
    assertThat(count(shared, "SELECT count(*) FROM customers WHERE id = 1000")).isEqualTo(1);
    assertThat(count(own, "SELECT count(*) FROM customers WHERE id IN (1000, 2000)")).isZero();
    assertThat(ownClone.name()).isNotEqualTo(sharedClone.name());
  }
}
