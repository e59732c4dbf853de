INSERT INTO products VALUES (1, 'kettle'), (2, 'teapot');
