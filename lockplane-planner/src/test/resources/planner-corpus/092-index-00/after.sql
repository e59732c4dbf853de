CREATE TABLE t (id int PRIMARY KEY, a int, b text, c jsonb, d timestamptz);
CREATE INDEX t_a ON t (a);
