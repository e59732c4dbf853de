CREATE SCHEMA rules;
CREATE FUNCTION rules.is_even(integer) RETURNS boolean LANGUAGE sql IMMUTABLE AS 'SELECT $1 % 2 = 0';
CREATE DOMAIN rules.even_int AS integer CHECK (rules.is_even(VALUE));
CREATE TABLE pairs (id integer PRIMARY KEY, n rules.even_int);
