CREATE TABLE address (street text, city text NOT NULL);
CREATE TYPE shipment AS (destination address, weight numeric);
CREATE DOMAIN checked_address AS address CHECK ((VALUE).city IS NOT NULL);
CREATE TABLE parcel (id integer PRIMARY KEY, sent shipment, home checked_address, copy address);
CREATE FUNCTION all_addresses() RETURNS SETOF address LANGUAGE sql STABLE AS $$ SELECT * FROM address $$;
CREATE FUNCTION city_of(a address) RETURNS text LANGUAGE sql IMMUTABLE AS $$ SELECT a.city $$;
