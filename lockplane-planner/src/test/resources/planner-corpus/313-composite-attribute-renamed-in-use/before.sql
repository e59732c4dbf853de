-- a composite type attribute renamed by a hint while a column, an array column and a view use the
-- type: ALTER TYPE … RENAME ATTRIBUTE keeps the stored values, and the view follows the new name
CREATE TYPE amount AS (value bigint, cur varchar(3));
CREATE TABLE invoice (id integer PRIMARY KEY, total amount, history amount[]);
CREATE VIEW invoice_currency AS SELECT id, (total).cur AS currency FROM invoice;
INSERT INTO invoice VALUES (1, ROW(500, 'EUR'), ARRAY[ROW(400, 'EUR')::amount, NULL]), (2, ROW(NULL, 'USD'), '{}'), (3, NULL, NULL);
