package dev.lockplane.spring.boot4.sample;

import org.springframework.boot.autoconfigure.SpringBootApplication;

/** A small Spring Boot 4 application with Flyway migrations, a JdbcTemplate DAO and a JPA repository. */
@SpringBootApplication
public class Boot4Application {}
