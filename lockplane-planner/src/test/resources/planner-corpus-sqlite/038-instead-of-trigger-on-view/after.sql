CREATE TABLE people (id INTEGER PRIMARY KEY, name TEXT NOT NULL DEFAULT '', age INTEGER);
CREATE VIEW adults AS SELECT id, name FROM people WHERE age >= 18;
CREATE TRIGGER adults_insert INSTEAD OF INSERT ON adults BEGIN INSERT INTO people (id, name, age) VALUES (NEW.id, NEW.name, 21); END;
CREATE TRIGGER adults_update INSTEAD OF UPDATE ON adults BEGIN UPDATE people SET name = NEW.name WHERE id = OLD.id; END;
CREATE VIEW names AS SELECT name FROM people;
CREATE TRIGGER names_insert INSTEAD OF INSERT ON names BEGIN INSERT INTO people (name) VALUES (NEW.name); END;
