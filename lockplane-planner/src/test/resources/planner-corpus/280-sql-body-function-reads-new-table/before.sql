CREATE TABLE customers (id integer PRIMARY KEY, name text NOT NULL);
CREATE TABLE invoices (id integer PRIMARY KEY, customer_id integer REFERENCES customers, total numeric NOT NULL);
CREATE FUNCTION a_open_total(integer) RETURNS numeric LANGUAGE sql STABLE
BEGIN ATOMIC
  SELECT coalesce(sum(total), 0) FROM invoices WHERE customer_id = $1;
END;
