CREATE TYPE e AS ENUM ('a', 'b', 'c', 'd');
