package dev.lockplane.spring.sample;

import org.springframework.data.jpa.repository.JpaRepository;

/** Notes through Spring Data JPA. */
public interface NoteEntities extends JpaRepository<NoteEntity, Long> {}
