-- a function that loses a parameter default (CREATE OR REPLACE refuses that) while a column default,
-- a CHECK constraint and a materialized view with an index of its own call it: they are dropped
-- before the function and created again after it, and the rows keep their values
CREATE FUNCTION fee(amount numeric, rate numeric DEFAULT 0.1) RETURNS numeric LANGUAGE sql IMMUTABLE
  AS $$ SELECT amount * rate $$;
CREATE TABLE payment (
  id integer PRIMARY KEY,
  amount numeric NOT NULL,
  charge numeric DEFAULT fee(10),
  CONSTRAINT fee_not_negative CHECK (fee(amount, 0.5) >= 0)
);
CREATE MATERIALIZED VIEW fees AS SELECT id, fee(amount) AS fee FROM payment;
CREATE INDEX fees_fee ON fees (fee);
INSERT INTO payment VALUES (1, 100, 10), (2, 2.5, DEFAULT), (3, 0, NULL);
