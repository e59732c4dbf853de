CREATE FUNCTION is_code(text) RETURNS integer LANGUAGE sql IMMUTABLE AS $$ SELECT CASE WHEN $1 ~ '^[A-Z]{3}$' THEN 1 ELSE 0 END $$;
CREATE FUNCTION first_rank(start integer) RETURNS integer LANGUAGE sql IMMUTABLE AS $$ SELECT start + 1 $$;
CREATE DOMAIN code AS text
  CONSTRAINT code_shape CHECK (is_code(VALUE) = 1)
  CONSTRAINT code_short CHECK (length(VALUE) < 10);
CREATE DOMAIN rank AS integer DEFAULT first_rank(0) CHECK (VALUE > 0);
CREATE TABLE items (
  id integer PRIMARY KEY,
  code code NOT NULL,
  rank rank
);
