CREATE TABLE address (street text, city text NOT NULL);
CREATE TYPE shipment AS (destination address, weight numeric);
CREATE TABLE parcel (id integer PRIMARY KEY, sent shipment, copy address);
CREATE FUNCTION all_addresses() RETURNS SETOF address LANGUAGE sql STABLE AS $$ SELECT * FROM address $$;
