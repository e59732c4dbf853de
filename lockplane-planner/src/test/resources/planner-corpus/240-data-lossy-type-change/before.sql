CREATE TABLE measures (id integer PRIMARY KEY, price numeric(10,2), at timestamp, code varchar(20), ratio double precision);
