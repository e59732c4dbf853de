CREATE TABLE rooms (id integer PRIMARY KEY, code text UNIQUE, area box, capacity integer CHECK (capacity > 0));
CREATE TABLE bookings (id integer PRIMARY KEY, room_id integer REFERENCES rooms (id), span box,
    CONSTRAINT bookings_no_overlap EXCLUDE USING gist (span WITH &&));
CREATE TABLE guests (id integer CONSTRAINT guests_pk PRIMARY KEY, name text CONSTRAINT guests_name_present CHECK (name <> ''));
COMMENT ON CONSTRAINT rooms_code_key ON rooms IS 'codes are printed on the doors';
COMMENT ON CONSTRAINT rooms_capacity_check ON rooms IS 'rooms hold someone';
COMMENT ON CONSTRAINT bookings_room_id_fkey ON bookings IS 'new text';
COMMENT ON CONSTRAINT bookings_no_overlap ON bookings IS 'one booking at a time';
COMMENT ON CONSTRAINT guests_pk ON guests IS 'guest id';
COMMENT ON CONSTRAINT guests_name_present ON guests IS 'a guest has a name';
