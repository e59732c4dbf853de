CREATE TYPE e AS ENUM ('b', 'a', 'c');
CREATE TABLE t (v e DEFAULT 'c', w e[]);
CREATE VIEW vv AS SELECT v FROM t;
