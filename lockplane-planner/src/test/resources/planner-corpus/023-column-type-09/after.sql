CREATE TABLE t (id int PRIMARY KEY, c char(5));
