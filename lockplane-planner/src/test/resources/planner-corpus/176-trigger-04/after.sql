CREATE TABLE t (id int, updated timestamptz);
