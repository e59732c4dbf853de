package dev.lockplane.spring.sample;

import org.springframework.boot.autoconfigure.SpringBootApplication;

/** A small application with Flyway migrations and a JdbcTemplate DAO, as the tests' subject. */
@SpringBootApplication
public class SampleApplication {}
