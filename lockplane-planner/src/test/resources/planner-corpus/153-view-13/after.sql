CREATE TABLE t (id int PRIMARY KEY, a int, b text);
CREATE VIEW v AS SELECT t1.id, t2.a FROM t t1 JOIN t t2 ON t1.id = t2.a;
