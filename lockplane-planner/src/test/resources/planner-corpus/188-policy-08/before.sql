CREATE TABLE t (id int, owner text);
