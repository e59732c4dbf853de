INSERT INTO customers SELECT g, 'customer ' || g FROM generate_series(1, 10) g;
INSERT INTO orders SELECT g, 1 + g % 10, g FROM generate_series(1, 100) g;
