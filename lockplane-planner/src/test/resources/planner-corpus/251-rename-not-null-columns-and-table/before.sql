CREATE TABLE people (id integer PRIMARY KEY, old_name text NOT NULL, born date NOT NULL);
