CREATE TABLE people (id integer PRIMARY KEY, name text, age integer, city text);
CREATE VIEW adults AS SELECT id, name, city FROM people WHERE age >= 18;
CREATE FUNCTION adults_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO people (id, name, age, city) VALUES (NEW.id, NEW.name, 18, NEW.city);
  RETURN NEW;
END $$;
CREATE FUNCTION adults_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM people WHERE id = OLD.id;
  RETURN OLD;
END $$;
CREATE TRIGGER adults_insert INSTEAD OF INSERT ON adults FOR EACH ROW EXECUTE FUNCTION adults_insert();
CREATE TRIGGER adults_delete INSTEAD OF DELETE ON adults FOR EACH ROW EXECUTE FUNCTION adults_delete();
COMMENT ON TRIGGER adults_delete ON adults IS 'removes the person';
