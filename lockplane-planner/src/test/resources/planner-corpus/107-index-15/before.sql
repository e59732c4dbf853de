CREATE TABLE t (id int PRIMARY KEY, a int, b text, c jsonb, d timestamptz);
