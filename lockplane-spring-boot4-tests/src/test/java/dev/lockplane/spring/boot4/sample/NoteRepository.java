package dev.lockplane.spring.boot4.sample;

import java.util.List;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

/** Notes in the {@code notes} table. */
@Repository
public class NoteRepository {
  private final JdbcTemplate jdbc;

  /** Creates the repository. */
  public NoteRepository(JdbcTemplate jdbc) {
    this.jdbc = jdbc;
  }

  /** Adds a note and returns its id. */
  public long add(String text) {
    Long id = jdbc.queryForObject("INSERT INTO notes (text) VALUES (?) RETURNING id", Long.class, text);
    return id == null ? -1 : id;
  }

  /** Returns every note, by id. */
  public List<Note> all() {
    return jdbc.query("SELECT id, text FROM notes ORDER BY id", (rs, i) -> new Note(rs.getLong(1), rs.getString(2)));
  }
}
