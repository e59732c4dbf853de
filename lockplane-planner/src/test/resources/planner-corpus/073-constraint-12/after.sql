CREATE TABLE t (a int, CONSTRAINT pos CHECK (a >= 0));
