CREATE DOMAIN quantity AS integer DEFAULT 1 CONSTRAINT quantity_not_negative CHECK (VALUE >= 0);
CREATE TABLE stock (id integer PRIMARY KEY, on_hand quantity NOT NULL DEFAULT 0, history quantity[]);
CREATE TABLE reorder (id integer PRIMARY KEY, minimum quantity);
CREATE VIEW low_stock AS SELECT id, on_hand FROM stock WHERE on_hand < 10;
INSERT INTO stock VALUES (101, 7, '{1,2}'), (102, 2000000000, NULL);
INSERT INTO reorder VALUES (101, 3);
