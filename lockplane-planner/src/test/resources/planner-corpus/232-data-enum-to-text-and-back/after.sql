CREATE TABLE people (id integer PRIMARY KEY, mood text, tags varchar(10)[]);
