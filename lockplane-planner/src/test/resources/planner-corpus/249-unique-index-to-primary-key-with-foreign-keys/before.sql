CREATE TABLE regions (id integer NOT NULL, name text);
CREATE UNIQUE INDEX regions_id_idx ON regions (id);
CREATE TABLE shops (id integer PRIMARY KEY, region_id integer REFERENCES regions (id) ON DELETE CASCADE);
