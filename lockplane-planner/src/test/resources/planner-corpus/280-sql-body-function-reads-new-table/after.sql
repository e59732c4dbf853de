-- requires PostgreSQL 14
-- a SQL-standard function body reads a table created in the same plan; the one reading a table the
-- plan drops goes first (PostgreSQL records both in pg_depend; the function's name sorts first)
CREATE TABLE customers (id integer PRIMARY KEY, name text NOT NULL);
CREATE TABLE payments (id integer PRIMARY KEY, customer_id integer REFERENCES customers, amount numeric NOT NULL);
CREATE FUNCTION a_paid_total(integer) RETURNS numeric LANGUAGE sql STABLE
BEGIN ATOMIC
  SELECT coalesce(sum(amount), 0) FROM payments WHERE customer_id = $1;
END;
