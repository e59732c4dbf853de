CREATE TABLE stock (sku varchar(12) PRIMARY KEY, quantity varchar(10) NOT NULL, price text);
