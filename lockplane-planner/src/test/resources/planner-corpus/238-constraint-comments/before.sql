CREATE TABLE rooms (id integer PRIMARY KEY, code text UNIQUE, area box, capacity integer CHECK (capacity > 0));
CREATE TABLE bookings (id integer PRIMARY KEY, room_id integer REFERENCES rooms (id), span box,
    CONSTRAINT bookings_no_overlap EXCLUDE USING gist (span WITH &&));
COMMENT ON CONSTRAINT rooms_pkey ON rooms IS 'one row per room';
COMMENT ON CONSTRAINT rooms_capacity_check ON rooms IS 'rooms hold someone';
COMMENT ON CONSTRAINT bookings_room_id_fkey ON bookings IS 'old text';
