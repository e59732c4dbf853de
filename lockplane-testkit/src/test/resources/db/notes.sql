-- A second golden, for a @Nested class with a @LockplaneTest of its own.
CREATE TABLE notes (id serial PRIMARY KEY, body text NOT NULL);
INSERT INTO notes (body) VALUES ('first'), ('second'), ('third');
