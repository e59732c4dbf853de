-- requires PostgreSQL 14
-- a SQL-standard function body takes numbers from a sequence created in the same plan, and a column
-- default calls that function: sequence, function, column in that order, and the reverse to drop
CREATE SEQUENCE order_refs;
CREATE FUNCTION next_ref() RETURNS text LANGUAGE sql VOLATILE
BEGIN ATOMIC
  SELECT 'R' || nextval('order_refs');
END;
CREATE TABLE orders (id integer PRIMARY KEY, ref text DEFAULT next_ref());
