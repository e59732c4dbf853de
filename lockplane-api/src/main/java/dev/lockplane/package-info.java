/**
 * Lockplane's exception root ({@link dev.lockplane.LockplaneException}) and error codes.
 *
 * <p>Every method in Lockplane's public packages rejects {@code null} arguments unless its
 * documentation says otherwise.
 */
package dev.lockplane;
