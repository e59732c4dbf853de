CREATE TABLE people (id INTEGER PRIMARY KEY, name TEXT, age TEXT);
CREATE VIEW adults AS SELECT id, name FROM people WHERE age >= 18;
CREATE TRIGGER adults_insert INSTEAD OF INSERT ON adults BEGIN INSERT INTO people (id, name, age) VALUES (NEW.id, NEW.name, 18); END;
CREATE TRIGGER adults_delete INSTEAD OF DELETE ON adults BEGIN DELETE FROM people WHERE id = OLD.id; END;
