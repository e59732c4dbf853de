CREATE FUNCTION visible(who text) RETURNS boolean LANGUAGE sql STABLE AS $$ SELECT who <> '' $$;
CREATE FUNCTION stamp() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.changed := true; RETURN NEW; END $$;
CREATE TABLE doc (id integer PRIMARY KEY, owner text NOT NULL, body text, changed boolean NOT NULL DEFAULT false);
ALTER TABLE doc ENABLE ROW LEVEL SECURITY;
CREATE POLICY own_docs ON doc USING (visible(owner));
CREATE TRIGGER doc_stamp BEFORE UPDATE ON doc FOR EACH ROW WHEN (visible(NEW.owner)) EXECUTE FUNCTION stamp();
