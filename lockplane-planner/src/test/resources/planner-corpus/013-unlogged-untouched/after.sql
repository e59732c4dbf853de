CREATE TABLE t (id int, b bool);
