package dev.lockplane.spring.boot4.sample;

import org.springframework.data.jpa.repository.JpaRepository;

/** Notes through Spring Data JPA. */
public interface NoteEntities extends JpaRepository<NoteEntity, Long> {}
