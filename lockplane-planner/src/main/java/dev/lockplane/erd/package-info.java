/**
 * Entity-relationship diagrams of a schema model, desired or live: Mermaid {@code erDiagram} text for
 * Markdown (pull requests, wikis) and a standalone SVG drawing. Start at {@link dev.lockplane.erd.Erd}.
 */
package dev.lockplane.erd;
