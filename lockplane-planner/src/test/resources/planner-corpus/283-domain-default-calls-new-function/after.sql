-- a domain whose DEFAULT calls a new function, a composite type built on the domain and a table
-- built on both, all created in one plan (and dropped in reverse by the rollback)
CREATE FUNCTION default_grade() RETURNS text LANGUAGE sql IMMUTABLE AS $$ SELECT 'B' $$;
CREATE DOMAIN grade AS text DEFAULT default_grade() CHECK (VALUE IN ('A', 'B', 'C'));
CREATE TYPE rating AS (score grade, note text);
CREATE TABLE depots (id integer PRIMARY KEY);
CREATE TABLE inspections (id integer PRIMARY KEY, depot_id integer REFERENCES depots, result rating, level grade);
