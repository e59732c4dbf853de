-- a table is dropped with everything built on its row type: the users go first
CREATE TABLE parcel (id integer PRIMARY KEY);
