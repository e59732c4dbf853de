CREATE TABLE items (id integer PRIMARY KEY, price numeric NOT NULL, qty integer NOT NULL,
    total numeric GENERATED ALWAYS AS (price * qty) STORED,
    label text GENERATED ALWAYS AS ('item ' || id) VIRTUAL);
