CREATE TABLE orders (id int PRIMARY KEY, customer_id int, amount int);
INSERT INTO orders SELECT g, g % 50, g % 100 FROM generate_series(1, 500) g;
