INSERT INTO products VALUES (1, '${brand} kettle'), (2, '${brand} teapot');
