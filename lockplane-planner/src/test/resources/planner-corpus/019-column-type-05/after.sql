CREATE TABLE t (id int PRIMARY KEY, c numeric(12,4));
