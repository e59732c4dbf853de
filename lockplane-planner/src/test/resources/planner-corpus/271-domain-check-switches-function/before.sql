CREATE FUNCTION is_small(integer) RETURNS boolean LANGUAGE sql IMMUTABLE AS 'SELECT $1 < 1000';
CREATE DOMAIN bounded_int AS integer CONSTRAINT bounded_int_check CHECK (is_small(VALUE));
CREATE TABLE counters (id integer PRIMARY KEY, hits bounded_int);
