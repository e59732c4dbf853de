CREATE FUNCTION price_of(qty integer) RETURNS bigint LANGUAGE sql IMMUTABLE AS $$ SELECT qty::bigint * 2 $$;
CREATE TABLE orders (
  id integer PRIMARY KEY,
  qty integer NOT NULL DEFAULT 1,
  total bigint DEFAULT price_of(1),
  CONSTRAINT positive_price CHECK (price_of(qty) > 0)
);
CREATE INDEX orders_price ON orders (price_of(qty));
CREATE VIEW priced AS SELECT id, price_of(qty) AS price FROM orders;
CREATE VIEW expensive AS SELECT id, price FROM priced WHERE price > 10;
