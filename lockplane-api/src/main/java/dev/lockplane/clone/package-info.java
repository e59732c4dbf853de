/**
 * Thin clones: private, resettable copies of a prepared "golden" database.
 *
 * <p>A {@link dev.lockplane.clone.CloneManager} holds {@link dev.lockplane.clone.Snapshot}s
 * (immutable states) and {@link dev.lockplane.clone.Clone}s (writable copies of a snapshot). The
 * golden database is described by a {@link dev.lockplane.clone.Golden}. Implementations are made
 * by the factories in {@code lockplane-core} ({@code dev.lockplane.clones.CloneManagers}).
 */
package dev.lockplane.clone;
