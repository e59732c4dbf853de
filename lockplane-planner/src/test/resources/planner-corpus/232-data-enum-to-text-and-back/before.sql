CREATE TYPE mood AS ENUM ('calm', 'busy');
CREATE TABLE people (id integer PRIMARY KEY, mood mood, tags text[]);
