-- a function whose parameter is renamed (CREATE OR REPLACE refuses that) while a row-level security
-- policy and a trigger's WHEN condition call it: both are dropped before the function and created
-- again after it, and the rows keep their values
CREATE FUNCTION visible(owner text) RETURNS boolean LANGUAGE sql STABLE AS $$ SELECT owner <> '' $$;
CREATE FUNCTION stamp() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.changed := true; RETURN NEW; END $$;
CREATE TABLE doc (id integer PRIMARY KEY, owner text NOT NULL, body text, changed boolean NOT NULL DEFAULT false);
ALTER TABLE doc ENABLE ROW LEVEL SECURITY;
CREATE POLICY own_docs ON doc USING (visible(owner));
CREATE TRIGGER doc_stamp BEFORE UPDATE ON doc FOR EACH ROW WHEN (visible(NEW.owner)) EXECUTE FUNCTION stamp();
INSERT INTO doc VALUES (1, 'ann', 'first', false), (2, 'bob', NULL, true);
