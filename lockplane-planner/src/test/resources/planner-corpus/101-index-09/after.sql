CREATE TABLE t (id int PRIMARY KEY, a int, b text, c jsonb, d timestamptz);
CREATE INDEX t_a_desc ON t (a DESC NULLS LAST, b NULLS FIRST);
