CREATE TYPE e AS ENUM ('a', 'b');
CREATE TABLE t (v int);
