-- functions whose result type changes and whose parameter is renamed (CREATE OR REPLACE refuses
-- both) while a domain's CHECK constraint and another domain's DEFAULT call them: the domains stay
-- (columns have their types), the check and the default are taken off before the functions are
-- dropped and put back after they are created, the domain's other check stays, and the rows keep
-- their values
CREATE FUNCTION is_code(text) RETURNS boolean LANGUAGE sql IMMUTABLE AS $$ SELECT $1 ~ '^[A-Z]{3}$' $$;
CREATE FUNCTION first_rank(base integer) RETURNS integer LANGUAGE sql IMMUTABLE AS $$ SELECT base + 1 $$;
CREATE DOMAIN code AS text
  CONSTRAINT code_shape CHECK (is_code(VALUE))
  CONSTRAINT code_short CHECK (length(VALUE) < 10);
CREATE DOMAIN rank AS integer DEFAULT first_rank(0) CHECK (VALUE > 0);
CREATE TABLE items (
  id integer PRIMARY KEY,
  code code NOT NULL,
  rank rank
);
INSERT INTO items VALUES (1, 'ABC', 5), (2, 'XYZ', DEFAULT);
