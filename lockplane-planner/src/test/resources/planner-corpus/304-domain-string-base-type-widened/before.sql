CREATE DOMAIN sku AS varchar(8) COLLATE "C" CONSTRAINT sku_upper CHECK (VALUE = upper(VALUE));
CREATE TABLE product (id integer PRIMARY KEY, code sku UNIQUE, label text);
INSERT INTO product VALUES (101, 'AB-1', 'first'), (102, 'CD-22', 'second');
