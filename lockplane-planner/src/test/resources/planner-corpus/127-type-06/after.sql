CREATE TYPE e AS ENUM ('a', 'b', 'c');
CREATE TABLE t (v int, w e DEFAULT 'c');
