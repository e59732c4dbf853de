CREATE TABLE t (a int, b int, CONSTRAINT ord CHECK (a < b) NO INHERIT);
