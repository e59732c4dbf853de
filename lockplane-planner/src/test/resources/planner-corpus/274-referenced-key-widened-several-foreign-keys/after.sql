-- a key referenced by four foreign keys (one from its own table) widens with all of them
CREATE TABLE nodes (id bigint PRIMARY KEY, parent_id bigint REFERENCES nodes (id), label text);
CREATE TABLE edges (source bigint NOT NULL REFERENCES nodes (id) ON DELETE CASCADE,
    target bigint NOT NULL REFERENCES nodes (id) ON DELETE CASCADE, PRIMARY KEY (source, target));
CREATE TABLE tags (node_id bigint REFERENCES nodes (id), tag text);
