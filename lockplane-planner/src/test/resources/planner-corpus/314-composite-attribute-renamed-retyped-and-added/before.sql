-- in one composite type a stored attribute is renamed (hint above it), another changes type and one
-- is added at the end: the rename runs first, then the type is re-created and the column converted
-- through text; the rows keep their values
CREATE TYPE point2 AS (x integer, y integer);
CREATE TABLE place (id integer PRIMARY KEY, at point2 NOT NULL);
INSERT INTO place VALUES (1, ROW(1, 2)), (2, ROW(-5, NULL));
