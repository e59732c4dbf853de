CREATE TABLE t (id int PRIMARY KEY, c varchar(20));
