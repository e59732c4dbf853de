CREATE EXTENSION hstore;
CREATE TABLE t (h hstore);
