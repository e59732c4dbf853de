-- requires PostgreSQL 18
-- stored becomes virtual, virtual becomes stored, and a new virtual column (no rewrite on 18)
CREATE TABLE items (id integer PRIMARY KEY, price numeric NOT NULL, qty integer NOT NULL,
    total numeric GENERATED ALWAYS AS (price * qty) VIRTUAL,
    label text GENERATED ALWAYS AS ('item ' || id) STORED,
    doubled integer GENERATED ALWAYS AS (qty * 2) VIRTUAL);
