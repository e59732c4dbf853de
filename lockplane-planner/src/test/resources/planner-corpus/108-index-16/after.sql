CREATE TABLE t (id int PRIMARY KEY, a int, b text, c jsonb, d timestamptz);
CREATE INDEX t_c_path ON t USING gin (c jsonb_path_ops);
