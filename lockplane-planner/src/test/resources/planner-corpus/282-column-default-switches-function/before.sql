CREATE FUNCTION old_code() RETURNS text LANGUAGE sql VOLATILE AS $$ SELECT 'A-' || md5(random()::text) $$;
CREATE TABLE tickets (id integer PRIMARY KEY, code text NOT NULL DEFAULT old_code());
