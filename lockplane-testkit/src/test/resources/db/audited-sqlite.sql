-- A SQLite golden whose trigger body has semicolons of its own.
CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL);
CREATE TABLE audit (note_id INTEGER NOT NULL, what TEXT NOT NULL);
CREATE TRIGGER notes_audit AFTER INSERT ON notes
BEGIN
  INSERT INTO audit VALUES (new.id, 'inserted; ' || new.body);
  UPDATE notes SET body = trim(new.body) WHERE id = new.id;
END;
INSERT INTO notes (body) VALUES ('  first  ');
