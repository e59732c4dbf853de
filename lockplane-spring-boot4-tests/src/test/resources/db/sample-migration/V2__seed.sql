INSERT INTO notes (text) VALUES ('${greeting} world'), ('second note');
