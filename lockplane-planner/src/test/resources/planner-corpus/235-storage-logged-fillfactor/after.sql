CREATE TABLE events (id bigint PRIMARY KEY, kind text NOT NULL, payload jsonb) WITH (fillfactor = 90);
CREATE TABLE hot (id integer PRIMARY KEY, n integer) WITH (fillfactor = 50);
CREATE UNLOGGED TABLE cold (id integer PRIMARY KEY);
CREATE UNLOGGED TABLE scratch (id integer, note text) WITH (autovacuum_enabled = false);
