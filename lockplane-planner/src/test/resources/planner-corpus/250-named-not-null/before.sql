CREATE TABLE accounts (
  id integer PRIMARY KEY,
  email text CONSTRAINT accounts_email_required NOT NULL,
  name text NOT NULL,
  note text
);
