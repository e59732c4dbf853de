-- a referenced key and its referencing columns change to a type the old one cannot be compared with
CREATE TABLE products (code text PRIMARY KEY, name text);
CREATE TABLE prices (product_code text REFERENCES products (code), amount numeric);
CREATE TABLE reviews (id integer PRIMARY KEY, product_code text NOT NULL REFERENCES products (code) ON DELETE CASCADE);
