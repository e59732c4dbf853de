-- a composite type whose attributes change type while a column, an array column and a view use it:
-- PostgreSQL refuses ALTER ATTRIBUTE ... TYPE then, so the type is re-created and the columns converted
-- through text; the rows keep their values
CREATE TYPE price AS (amount bigint, currency varchar(3));
CREATE TABLE item (id integer PRIMARY KEY, price price DEFAULT ROW(0, 'EUR')::price, history price[]);
CREATE VIEW priced AS SELECT id, (price).amount AS amount FROM item;
