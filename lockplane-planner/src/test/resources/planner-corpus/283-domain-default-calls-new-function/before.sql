CREATE TABLE depots (id integer PRIMARY KEY);
