CREATE UNLOGGED TABLE events (id bigint PRIMARY KEY, kind text NOT NULL, payload jsonb);
CREATE TABLE hot (id integer PRIMARY KEY, n integer) WITH (fillfactor = 70, autovacuum_enabled = false);
CREATE TABLE cold (id integer PRIMARY KEY);
