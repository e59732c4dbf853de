-- The desired schema of the README's planner example (Desired.sqlFiles(Path.of("schema/"))).
CREATE TABLE customers (id bigint PRIMARY KEY, name text NOT NULL);
CREATE TABLE orders (
  id          bigint PRIMARY KEY,
  customer_id bigint NOT NULL REFERENCES customers,
  total       numeric(12, 2) NOT NULL,
  note        text
);
