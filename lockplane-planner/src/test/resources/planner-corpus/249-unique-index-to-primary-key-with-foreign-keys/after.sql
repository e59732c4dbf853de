-- a unique index that a foreign key relies on is replaced by the primary key
CREATE TABLE regions (id integer PRIMARY KEY, name text);
CREATE TABLE shops (id integer PRIMARY KEY, region_id integer REFERENCES regions (id) ON DELETE CASCADE);
