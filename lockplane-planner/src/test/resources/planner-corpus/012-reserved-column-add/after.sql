CREATE TABLE t (id int PRIMARY KEY, "user" text, "group" int);
