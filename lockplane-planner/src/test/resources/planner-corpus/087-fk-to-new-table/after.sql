CREATE TABLE p (id int PRIMARY KEY, code text UNIQUE);
CREATE TABLE t (id int, p_id int REFERENCES p(id));
