CREATE TABLE people (id integer PRIMARY KEY, name text, age integer);
CREATE VIEW adults AS SELECT id, name FROM people WHERE age >= 18;
CREATE FUNCTION adults_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO people (id, name, age) VALUES (NEW.id, NEW.name, 18);
  RETURN NEW;
END $$;
CREATE TRIGGER adults_insert INSTEAD OF INSERT ON adults FOR EACH ROW EXECUTE FUNCTION adults_insert();
