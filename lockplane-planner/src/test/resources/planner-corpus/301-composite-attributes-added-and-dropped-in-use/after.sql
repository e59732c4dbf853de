-- a composite type stored in columns loses an attribute and gains one: ALTER TYPE drops and appends in
-- place, the other attributes' values stay (the dropped attribute's values go, and the step says so)
CREATE TYPE address AS (street text, city text, country text);
CREATE TABLE customer (id integer PRIMARY KEY, home address, shipping address[]);
