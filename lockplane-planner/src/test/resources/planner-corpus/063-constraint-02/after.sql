CREATE TABLE t (id int, v int NOT NULL, PRIMARY KEY (id, v));
