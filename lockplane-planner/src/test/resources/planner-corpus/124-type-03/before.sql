CREATE TYPE e AS ENUM ('a', 'c');
