CREATE TABLE docs (id integer PRIMARY KEY, title text, body jsonb, code varchar(20), owner integer);
CREATE INDEX docs_title ON docs (title);
CREATE INDEX docs_body ON docs USING gin (body);
CREATE UNIQUE INDEX docs_code_owner ON docs (code, owner);
