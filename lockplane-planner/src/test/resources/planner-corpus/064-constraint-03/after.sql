CREATE TABLE t (id int, v int UNIQUE);
