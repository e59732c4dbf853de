CREATE TABLE t (id int PRIMARY KEY, c bool);
