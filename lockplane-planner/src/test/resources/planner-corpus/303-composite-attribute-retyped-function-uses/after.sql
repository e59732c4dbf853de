-- a composite type that a function returns (no column stores it) changes an attribute's type and gains
-- one: altered in place, so the function, which DROP TYPE would refuse to outlive, stays
CREATE TYPE reading AS (sensor text, value numeric, unit text);
CREATE FUNCTION reading_of(s text) RETURNS reading LANGUAGE sql IMMUTABLE AS $$ SELECT NULL::reading $$;
CREATE TABLE sensor (id integer PRIMARY KEY, name text);
