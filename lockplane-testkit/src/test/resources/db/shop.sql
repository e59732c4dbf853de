-- A small shop: the golden every test of this module starts from.
CREATE TABLE customers (
  id   bigint PRIMARY KEY,
  name text NOT NULL
);
CREATE TABLE orders (
  id          bigint PRIMARY KEY,
  customer_id bigint NOT NULL REFERENCES customers,
  total       numeric(12, 2) NOT NULL
);
INSERT INTO customers SELECT g, 'customer ' || g FROM generate_series(1, 50) g;
INSERT INTO orders SELECT g, 1 + g % 50, g FROM generate_series(1, 200) g;
