CREATE TABLE measures (id integer PRIMARY KEY, price integer, at date, code varchar(8), ratio numeric(6,3));
