/**
 * The preparation stages of a golden between its source and its snapshot — source → subset → mask
 * → snapshot → clones: {@link dev.lockplane.golden.Subset} keeps a foreign-key-closed part of the
 * rows, {@link dev.lockplane.golden.Masking} replaces personal data. Both run inside the private
 * golden before any snapshot exists; see {@link dev.lockplane.clone.Golden#subset} and
 * {@link dev.lockplane.clone.Golden#masked}.
 */
package dev.lockplane.golden;
