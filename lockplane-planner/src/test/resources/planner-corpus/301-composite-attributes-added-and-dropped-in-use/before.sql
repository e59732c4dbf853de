CREATE TYPE address AS (street text, city text, zip text);
CREATE TABLE customer (id integer PRIMARY KEY, home address, shipping address[]);
INSERT INTO customer VALUES (101, ROW('Main 1', 'Oslo', '0150'), ARRAY[ROW('Dock 2', 'Bergen', '5003')::address]);
