CREATE TABLE t (id int, p_id int);
