CREATE TABLE t (id int, a bigint);
CREATE VIEW v AS SELECT id, a FROM t;
