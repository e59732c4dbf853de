-- the unique key becomes the primary key and the primary key a unique key, while foreign keys reference both
CREATE TABLE accounts (id integer NOT NULL, code text NOT NULL, CONSTRAINT accounts_pkey PRIMARY KEY (id),
    CONSTRAINT accounts_code_key UNIQUE (code));
CREATE TABLE payments (id integer PRIMARY KEY, account_id integer REFERENCES accounts (id));
CREATE TABLE refunds (id integer PRIMARY KEY, account_id integer, CONSTRAINT refunds_account_fk FOREIGN KEY (account_id) REFERENCES accounts (id));
CREATE TABLE notes (id integer PRIMARY KEY, account_code text REFERENCES accounts (code));
