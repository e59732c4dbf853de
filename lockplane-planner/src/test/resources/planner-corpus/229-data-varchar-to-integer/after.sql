CREATE TABLE stock (sku varchar(12) PRIMARY KEY, quantity integer NOT NULL, price numeric(10,2));
