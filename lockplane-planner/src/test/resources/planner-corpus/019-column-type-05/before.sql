CREATE TABLE t (id int PRIMARY KEY, c numeric(10,2));
