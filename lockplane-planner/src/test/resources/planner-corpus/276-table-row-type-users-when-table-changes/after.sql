-- a table whose row type a composite type, another table's column and a SETOF function use gains a
-- column and loses one
CREATE TABLE address (city text NOT NULL, postcode text);
CREATE TYPE shipment AS (destination address, weight numeric);
CREATE TABLE parcel (id integer PRIMARY KEY, sent shipment, copy address);
CREATE FUNCTION all_addresses() RETURNS SETOF address LANGUAGE sql STABLE AS $$ SELECT * FROM address $$;
