package dev.lockplane.spring.boot4.sample;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** A note as a JPA entity, on the table the sample's Flyway migrations create. */
@Entity
@Table(name = "notes")
public class NoteEntity {
  @Id
  @GeneratedValue(strategy = GenerationType.IDENTITY)
  private Long id;

  @Column(nullable = false)
  private String text;

  /** For JPA. */
  protected NoteEntity() {}

  /** Creates a note with a text. */
  public NoteEntity(String text) {
    this.text = text;
  }

  /** Returns its id, null before it is saved. */
  public Long getId() {
    return id;
  }

  /** Returns its text. */
  public String getText() {
    return text;
  }
}
