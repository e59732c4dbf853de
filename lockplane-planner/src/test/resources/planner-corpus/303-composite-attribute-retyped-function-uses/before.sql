CREATE TYPE reading AS (sensor text, value integer);
CREATE FUNCTION reading_of(s text) RETURNS reading LANGUAGE sql IMMUTABLE AS $$ SELECT NULL::reading $$;
CREATE TABLE sensor (id integer PRIMARY KEY, name text);
INSERT INTO sensor VALUES (101, 'north');
