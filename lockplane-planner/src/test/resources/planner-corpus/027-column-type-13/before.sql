CREATE TABLE t (id int PRIMARY KEY, c bit(4));
