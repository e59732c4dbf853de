-- a two-column UNIQUE key becomes the PRIMARY KEY and the old PRIMARY KEY a UNIQUE key, while
-- foreign keys from several tables (one with its columns in another order) reference each of them
CREATE TABLE stock (warehouse integer NOT NULL, sku text NOT NULL, serial integer NOT NULL,
    CONSTRAINT stock_pkey PRIMARY KEY (warehouse, sku), CONSTRAINT stock_serial_key UNIQUE (serial));
CREATE TABLE picks (id integer PRIMARY KEY, warehouse integer, sku text,
    CONSTRAINT picks_stock_fk FOREIGN KEY (warehouse, sku) REFERENCES stock (warehouse, sku) ON DELETE CASCADE);
CREATE TABLE counts (id integer PRIMARY KEY, warehouse integer, sku text,
    CONSTRAINT counts_stock_fk FOREIGN KEY (sku, warehouse) REFERENCES stock (sku, warehouse) DEFERRABLE);
CREATE TABLE moves (id integer PRIMARY KEY, serial integer REFERENCES stock (serial));
CREATE TABLE stock_notes (id integer PRIMARY KEY, warehouse integer, sku text, serial integer,
    CONSTRAINT stock_notes_loc_fk FOREIGN KEY (warehouse, sku) REFERENCES stock (warehouse, sku),
    CONSTRAINT stock_notes_serial_fk FOREIGN KEY (serial) REFERENCES stock (serial));
