package dev.lockplane.spring.boot4.sample;

/**
 * A note.
 *
 * @param id its id
 * @param text its text
 */
public record Note(long id, String text) {}
