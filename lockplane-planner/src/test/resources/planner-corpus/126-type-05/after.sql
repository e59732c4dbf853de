CREATE TYPE e AS ENUM ('b', 'a');
