CREATE TABLE t (a int, b int, CONSTRAINT t_ab UNIQUE (a, b));
