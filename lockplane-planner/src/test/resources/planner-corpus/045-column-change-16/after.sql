CREATE TABLE t (id int PRIMARY KEY, c uuid DEFAULT gen_random_uuid());
