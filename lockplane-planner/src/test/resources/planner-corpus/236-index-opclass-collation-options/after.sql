CREATE TABLE docs (id integer PRIMARY KEY, title text, body jsonb, code varchar(20), owner integer);
CREATE INDEX docs_title ON docs (title COLLATE "C" text_pattern_ops DESC, lower(title) COLLATE "C");
CREATE INDEX docs_body ON docs USING gin (body jsonb_path_ops);
CREATE UNIQUE INDEX docs_code_owner ON docs (code varchar_pattern_ops, owner) WITH (fillfactor = 80);
CREATE INDEX docs_owner ON docs USING hash (owner) WITH (fillfactor = 60);
