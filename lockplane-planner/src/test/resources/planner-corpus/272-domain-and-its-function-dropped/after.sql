-- the column leaves the domain, then the domain, then the function it called
CREATE SCHEMA rules;
CREATE TABLE pairs (id integer PRIMARY KEY, n integer);
