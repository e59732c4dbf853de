-- a domain's base type changes (integer to bigint) while columns of two tables, an array column and a
-- view use it: there is no ALTER DOMAIN ... TYPE, so the new domain is created beside it, the columns
-- converted, the old one dropped and the new one renamed; the rows keep their values
CREATE DOMAIN quantity AS bigint DEFAULT 1 CONSTRAINT quantity_not_negative CHECK (VALUE >= 0);
CREATE TABLE stock (id integer PRIMARY KEY, on_hand quantity NOT NULL DEFAULT 0, history quantity[]);
CREATE TABLE reorder (id integer PRIMARY KEY, minimum quantity);
CREATE VIEW low_stock AS SELECT id, on_hand FROM stock WHERE on_hand < 10;
