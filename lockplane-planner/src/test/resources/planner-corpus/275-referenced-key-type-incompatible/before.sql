CREATE TABLE products (code integer PRIMARY KEY, name text);
CREATE TABLE prices (product_code integer REFERENCES products (code), amount numeric);
CREATE TABLE reviews (id integer PRIMARY KEY, product_code integer NOT NULL REFERENCES products (code) ON DELETE CASCADE);
