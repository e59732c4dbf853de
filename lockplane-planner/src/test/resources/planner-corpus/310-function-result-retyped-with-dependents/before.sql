-- a function whose result type changes (CREATE OR REPLACE refuses that) while a column default, a
-- CHECK constraint, an expression index and two views (one reading the other) use it: they are
-- dropped before the function and created again after it, and the rows keep their values
CREATE FUNCTION price_of(qty integer) RETURNS integer LANGUAGE sql IMMUTABLE AS $$ SELECT qty * 2 $$;
CREATE TABLE orders (
  id integer PRIMARY KEY,
  qty integer NOT NULL DEFAULT 1,
  total bigint DEFAULT price_of(1),
  CONSTRAINT positive_price CHECK (price_of(qty) > 0)
);
CREATE INDEX orders_price ON orders (price_of(qty));
CREATE VIEW priced AS SELECT id, price_of(qty) AS price FROM orders;
CREATE VIEW expensive AS SELECT id, price FROM priced WHERE price > 10;
INSERT INTO orders VALUES (1, 3, 6), (2, 10, 20), (3, 1, DEFAULT);
