/**
 * The schema model: immutable records describing the objects of a database (tables, columns,
 * constraints, indexes, sequences, types, views, routines, triggers, policies, comments,
 * extensions). Lockplane reads a live database into this model, reads the desired state into it,
 * and plans the difference. Names are stored unquoted, exactly as the database spells them.
 */
package dev.lockplane.schema;
