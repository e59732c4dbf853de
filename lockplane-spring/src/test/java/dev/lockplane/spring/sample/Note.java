package dev.lockplane.spring.sample;

/**
 * A note.
 *
 * @param id its id
 * @param text its text
 */
public record Note(long id, String text) {}
