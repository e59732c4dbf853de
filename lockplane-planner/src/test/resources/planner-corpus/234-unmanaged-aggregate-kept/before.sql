CREATE FUNCTION add_int(integer, integer) RETURNS integer LANGUAGE sql IMMUTABLE AS 'SELECT $1 + $2';
CREATE AGGREGATE total(integer) (SFUNC = add_int, STYPE = integer, INITCOND = '0');
CREATE TABLE scores (id integer PRIMARY KEY, points integer);
