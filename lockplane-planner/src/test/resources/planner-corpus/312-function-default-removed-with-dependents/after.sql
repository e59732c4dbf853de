CREATE FUNCTION fee(amount numeric, rate numeric) RETURNS numeric LANGUAGE sql IMMUTABLE
  AS $$ SELECT amount * rate $$;
CREATE TABLE payment (
  id integer PRIMARY KEY,
  amount numeric NOT NULL,
  charge numeric DEFAULT fee(10, 0.1),
  CONSTRAINT fee_not_negative CHECK (fee(amount, 0.5) >= 0)
);
CREATE MATERIALIZED VIEW fees AS SELECT id, fee(amount, 0.1) AS fee FROM payment;
CREATE INDEX fees_fee ON fees (fee);
