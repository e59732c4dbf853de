CREATE TABLE accounts (id integer PRIMARY KEY, owner text NOT NULL, closed boolean NOT NULL DEFAULT false);
