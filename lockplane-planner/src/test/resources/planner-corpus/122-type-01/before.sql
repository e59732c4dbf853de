CREATE TYPE e AS ENUM ('a', 'b');
