package dev.lockplane.internal.sql;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class JdbcUrlsTest {
  @Test
  void redactsPasswordsInEveryForm() {
    assertThat(JdbcUrls.redact("jdbc:postgresql://h:5/db?user=u&password=S3cr%21t&ssl=true"))
        .isEqualTo("jdbc:postgresql://h:5/db?user=u&password=***&ssl=true");
    assertThat(JdbcUrls.redact("failed for postgres://neal:S3cr3t@db.example:5432/app"))
        .isEqualTo("failed for postgres://neal:***@db.example:5432/app");
    assertThat(JdbcUrls.redact("host=h PASSWORD=abc dbname=x")).isEqualTo("host=h PASSWORD=*** dbname=x");
    assertThat(JdbcUrls.redact("jdbc:sqlite:/tmp/x.db")).isEqualTo("jdbc:sqlite:/tmp/x.db");
    assertThat(JdbcUrls.redact(null)).isNull();
  }

  @Test
  void convertsLibpqUrls() {
    String url = "postgresql://neal:p%40ss@db.example:6432/app?sslmode=require&password=x";
    assertThat(JdbcUrls.toJdbc(url)).isEqualTo("jdbc:postgresql://db.example:6432/app?sslmode=require");
    assertThat(JdbcUrls.userOf(url)).isEqualTo("neal");
    assertThat(JdbcUrls.passwordOf(url)).isEqualTo("p@ss");
    assertThat(JdbcUrls.toJdbc("postgres://localhost/app?user=bob")).isEqualTo("jdbc:postgresql://localhost/app");
    assertThat(JdbcUrls.userOf("postgres://localhost/app?user=bob")).isEqualTo("bob");
    assertThat(JdbcUrls.toJdbc("jdbc:postgresql://h/db")).isEqualTo("jdbc:postgresql://h/db");
  }

  @Test
  void swapsTheDatabase() {
    assertThat(JdbcUrls.withDatabase("jdbc:postgresql://h:5432/app?ssl=true", "other"))
        .isEqualTo("jdbc:postgresql://h:5432/other?ssl=true");
    assertThat(JdbcUrls.withDatabase("jdbc:postgresql://h:5432", "other")).isEqualTo("jdbc:postgresql://h:5432/other");
    assertThat(JdbcUrls.databaseOf("jdbc:postgresql://h:5432/app?x=1")).isEqualTo("app");
    assertThat(JdbcUrls.databaseOf("jdbc:postgresql://h:5432/")).isEqualTo("postgres");
  }

  @Test
  void quotesIdentifiers() {
    assertThat(Identifiers.quote("Order \"x\"")).isEqualTo("\"Order \"\"x\"\"\"");
    assertThat(Identifiers.quote("orders")).isEqualTo("orders");
    assertThat(Identifiers.quote("order")).isEqualTo("\"order\"");
    assertThat(Identifiers.quote("index")).as("a SQLite keyword").isEqualTo("\"index\"");
    assertThat(Identifiers.quote("lp_clone-1")).isEqualTo("\"lp_clone-1\"");
    assertThat(Identifiers.qualified("S", "t")).isEqualTo("\"S\".t");
    assertThat(Identifiers.qualified("sales.user")).isEqualTo("sales.\"user\"");
    assertThat(Identifiers.unquote("\"A\"\"b\"")).isEqualTo("A\"b");
    assertThat(Identifiers.literal(null)).isEqualTo("NULL");
    assertThat(Identifiers.literal("it's")).isEqualTo("'it''s'");
  }
}
