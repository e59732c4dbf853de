CREATE TYPE e AS ENUM ('a', 'b', 'c');
CREATE TABLE t (v e DEFAULT 'c');
