CREATE TYPE price AS (amount integer, currency text);
CREATE TABLE item (id integer PRIMARY KEY, price price DEFAULT ROW(0, 'EUR')::price, history price[]);
CREATE VIEW priced AS SELECT id, (price).amount AS amount FROM item;
INSERT INTO item VALUES (101, ROW(5, 'EUR'), ARRAY[ROW(4, 'EUR')::price, NULL]), (102, ROW(NULL, NULL), '{}'), (103, NULL, NULL);
