CREATE TYPE point2 AS (
  x bigint,
  -- lockplane: renamed from y
  north integer,
  label text
);
CREATE TABLE place (id integer PRIMARY KEY, at point2 NOT NULL);
