-- a column default moves from one function to a new one and the old function is dropped: the
-- default changes before the drop (pg_depend records the default's use of the function)
CREATE FUNCTION new_code() RETURNS text LANGUAGE sql VOLATILE AS $$ SELECT 'B-' || md5(random()::text) $$;
CREATE TABLE tickets (id integer PRIMARY KEY, code text NOT NULL DEFAULT new_code());
