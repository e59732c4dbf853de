-- a composite type, a domain and another table's column built on a table's row type: the table first
CREATE TABLE keep (id integer PRIMARY KEY);
CREATE TABLE address (street text, city text NOT NULL);
CREATE TYPE shipment AS (destination address, weight numeric);
CREATE DOMAIN checked_address AS address CHECK ((VALUE).city IS NOT NULL);
CREATE TABLE parcel (id integer PRIMARY KEY, sent shipment, home checked_address, copy address);
CREATE FUNCTION parcel_city(p parcel) RETURNS text LANGUAGE sql IMMUTABLE AS $$ SELECT (p.copy).city $$;
