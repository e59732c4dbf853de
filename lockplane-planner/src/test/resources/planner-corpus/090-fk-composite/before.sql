CREATE TABLE p (a int, b int, PRIMARY KEY (a, b));
CREATE TABLE t (a int, b int);
