CREATE SCHEMA rules;
CREATE FUNCTION rules.is_even(integer) RETURNS boolean LANGUAGE sql IMMUTABLE AS 'SELECT $1 % 2 = 0';
CREATE FUNCTION positive(integer) RETURNS boolean LANGUAGE sql IMMUTABLE AS 'SELECT $1 > 0';
CREATE DOMAIN even_int AS integer CONSTRAINT even_int_even CHECK (rules.is_even(VALUE)) CONSTRAINT even_int_positive CHECK (positive(VALUE));
CREATE TABLE readings (id integer PRIMARY KEY, n integer CONSTRAINT readings_n_positive CHECK (positive(n)), pair even_int);
