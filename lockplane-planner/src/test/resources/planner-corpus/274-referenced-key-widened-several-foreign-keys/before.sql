CREATE TABLE nodes (id integer PRIMARY KEY, parent_id integer REFERENCES nodes (id), label text);
CREATE TABLE edges (source integer NOT NULL REFERENCES nodes (id) ON DELETE CASCADE,
    target integer NOT NULL REFERENCES nodes (id) ON DELETE CASCADE, PRIMARY KEY (source, target));
CREATE TABLE tags (node_id integer REFERENCES nodes (id), tag text);
