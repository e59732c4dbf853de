package dev.lockplane.internal.backup;

/**
 * One stored object as the manifest records it.
 *
 * @param key the object key in the storage
 * @param size the plaintext size
 * @param storedSize the stored (compressed, encrypted) size
 * @param sha256 the SHA-256 of the plaintext, hex
 * @param storedSha256 the SHA-256 of the stored bytes, hex
 */
public record StoredObject(String key, long size, long storedSize, String sha256, String storedSha256) {}
