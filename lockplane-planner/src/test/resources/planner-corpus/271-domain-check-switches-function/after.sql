-- a domain used by a column calls another function in its CHECK, and the old function goes away
CREATE FUNCTION is_bounded(integer) RETURNS boolean LANGUAGE sql IMMUTABLE AS 'SELECT $1 BETWEEN 0 AND 100000';
CREATE DOMAIN bounded_int AS integer CONSTRAINT bounded_int_check CHECK (is_bounded(VALUE));
CREATE TABLE counters (id integer PRIMARY KEY, hits bounded_int);
