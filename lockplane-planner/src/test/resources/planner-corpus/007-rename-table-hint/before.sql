CREATE TABLE old_t (id int PRIMARY KEY, v text);
