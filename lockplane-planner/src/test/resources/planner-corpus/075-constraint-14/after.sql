CREATE TABLE t (a text CHECK (a IN ('x', 'y')));
