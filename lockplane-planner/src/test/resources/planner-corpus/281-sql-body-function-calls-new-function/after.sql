-- requires PostgreSQL 14
-- a function a view uses keeps its signature and gets a SQL-standard body calling a new function;
-- a caller and its callee are dropped, the caller first (each name sorts the other way round)
CREATE TABLE items (id integer PRIMARY KEY, price numeric NOT NULL);
CREATE FUNCTION b_discount() RETURNS numeric LANGUAGE sql IMMUTABLE BEGIN ATOMIC SELECT 0.9; END;
CREATE FUNCTION a_price(numeric) RETURNS numeric LANGUAGE sql IMMUTABLE BEGIN ATOMIC SELECT round($1 * b_discount(), 2); END;
CREATE VIEW item_prices AS SELECT id, a_price(price) AS price FROM items;
