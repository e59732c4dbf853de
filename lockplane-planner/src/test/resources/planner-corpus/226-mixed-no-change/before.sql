CREATE TABLE t (id int PRIMARY KEY, a text);
CREATE INDEX t_a ON t (a);
