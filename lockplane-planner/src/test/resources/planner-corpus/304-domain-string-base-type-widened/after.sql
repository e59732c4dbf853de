-- a domain over varchar(8) becomes one over text while a unique column uses it: converted without a
-- USING cast (an explicit cast to varchar would cut long values on the way back); the values stay
CREATE DOMAIN sku AS text COLLATE "C" CONSTRAINT sku_upper CHECK (VALUE = upper(VALUE));
CREATE TABLE product (id integer PRIMARY KEY, code sku UNIQUE, label text);
