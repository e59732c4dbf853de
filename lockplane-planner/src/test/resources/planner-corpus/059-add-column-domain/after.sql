CREATE DOMAIN pos AS int CHECK (VALUE > 0);
CREATE TABLE t (id int, p pos);
